"""An organization's crisis resources: what a client whose answers carry a self-harm answer
is shown on the page after submitting (and on a refused form's page too), with when their
clinician will see the answer, and who is told when the clinician has not acted."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alliance.care.models import Organization


class CrisisResources(models.Model):
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="crisis_resources"
    )
    # What the client reads first: plain words, a few sentences.
    message = models.TextField(max_length=2000)
    # [{"label": "Samaritans", "number": "116 123"}, ...]: shown as tap-to-call links.
    phones = models.JSONField(default=list)
    # Finishes "Your therapist will see your answers ...", e.g. "within one working day".
    response_time = models.CharField(max_length=200)
    # Escalation: who is told when an urgent signal is still not acted on, and after how long.
    duty_contact_email = models.EmailField(blank=True)
    escalate_after_minutes = models.PositiveIntegerField(default=60)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
