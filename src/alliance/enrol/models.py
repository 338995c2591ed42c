"""An enrolment link: the key with which one member chooses their own password.

Only a SHA-256 hash of the token is stored (as for the client links): a copy of the
database enrols no one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alliance.care.models import Organization


class Enrolment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    # The organization whose admin made the link: its admin sees the link's state and the
    # audit entries of its use.
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Replaced by a newer link for the same member: only the latest one works.
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
