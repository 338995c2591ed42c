"""Who was told about an urgent matter at a session, when, and whether it reached them.

One row per (session, recipient): the client's clinician at once, the organization's duty
contact when the matter is still not acted on after the organization's set time. The row is
written in the transaction that raised the matter (a rolled-back form leaves none) and is
the record a lost queued job is recovered from (`notify.sweep`), so that nothing depends on
one queued job surviving. The unique key is what keeps a refresh, a second path (a signal
and a held answer at the same session) or a double commit from emailing twice.
"""

from __future__ import annotations

from django.db import models

from alliance.care.models import Session, SignalRecord


class Notification(models.Model):
    class Recipient(models.TextChoices):
        CLINICIAN = "clinician", "The client's clinician"
        DUTY = "duty", "The duty contact"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed after every attempt"
        UNDELIVERABLE = "undeliverable", "Undeliverable: no address"
        NOT_NEEDED = "not_needed", "Not needed: acted on in time"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notifications")
    # The signal that raised it, when one did (a held answer from a refused form has none).
    signal = models.ForeignKey(
        SignalRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The signal kind an acknowledgement names: one recorded for (episode, session, kind)
    # means the matter was acted on.
    kind = models.CharField(max_length=40)
    # What raised it: "signal", or the cause a caller of `alert_urgent` gave.
    cause = models.CharField(max_length=40)
    recipient = models.CharField(max_length=10, choices=Recipient.choices)
    # The address it was sent to, filled when it is sent.
    address = models.EmailField(blank=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Why the last attempt failed (the mail server's words), or why it could not be sent.
    last_error = models.CharField(max_length=200, blank=True)
    raised_at = models.DateTimeField()
    # When it is due: at once for the clinician, raised_at + the escalation time for duty.
    due_at = models.DateTimeField()
    # Due, or the time of the next try after a failure.
    next_attempt_at = models.DateTimeField()
    # When a sender took it: a claim older than `sweep.CLAIM_TIMEOUT` is a sender that died.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "recipient"], name="one_notification_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]

    def __str__(self) -> str:
        return f"{self.recipient} notification {self.pk} ({self.status})"
