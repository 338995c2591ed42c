"""Sharing a client's own progress with them: off until their clinician turns it on, and
links the clinician hands over that open the client's progress page until they expire or
are withdrawn.

Both belong to the client's record: erasing the client deletes them with it (CASCADE).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alliance.care.models import Client


class ProgressSharing(models.Model):
    """Whether the client is shown their own progress. No row means off: sharing results
    is the clinician's decision, made per client."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="progress_sharing")
    enabled = models.BooleanField(default=False)
    # Who last turned it on or off, and when (every change is also in the audit trail).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()


class ProgressLink(models.Model):
    """A link that opens the client's progress page, as often as they like, until it
    expires or is revoked.

    Only a SHA-256 hash of the token is stored (as for form links): a copy of the database
    opens no one's progress.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="progress_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
