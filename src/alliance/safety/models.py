"""An organization's crisis resources, and self-harm answers held back from a refused form.

A client whose answers carry a self-harm answer is shown their organization's crisis
resources on the page after submitting (and on a refused form's page too), with when their
clinician will see the answer. A form refused for another reason (an answer missing
elsewhere) stores nothing scored, but its self-harm answer is never dropped with it: it is
kept here and reaches the clinician like a stored one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alliance.care.models import Organization, Session


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


class HeldSelfHarmAnswer(models.Model):
    """A self-harm answer from a form that was refused as a whole (and so not stored)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="held_answers")
    instrument = models.CharField(max_length=20)
    item = models.CharField(max_length=20)
    value = models.PositiveSmallIntegerField()
    via = models.CharField(max_length=10)  # "link" or "kiosk"
    received_at = models.DateTimeField(auto_now_add=True)
