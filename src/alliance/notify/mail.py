"""The notification emails: that an urgent signal needs the reader, and where to open it.

Email leaves the clinic's hands (mail servers, phones' lock screens), so nothing clinical
goes in: no client code, no score, no answer, no instrument. The reader signs in to see it.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from .models import Notification

SUBJECT = "Alliance Monitor: an urgent signal needs you"


def session_link(session_id: int) -> str:
    return settings.BASE_URL + reverse("session", args=[session_id])


def compose(notification: Notification, *, clinician: str, minutes: int) -> tuple[str, str]:
    """(subject, body) for `notification`; `clinician` is the client's clinician's username
    (for the duty contact, who has to know whom to reach), `minutes` the escalation time."""
    link = session_link(notification.session_id)
    if notification.recipient == Notification.Recipient.CLINICIAN:
        body = (
            "An urgent signal was raised at a session of one of your clients and needs you.\n"
            "\n"
            "Open the session to see it and record what was done:\n"
            f"{link}\n"
        )
    else:
        body = (
            "An urgent signal raised at a session has not been acted on "
            f"{minutes} minutes after it was raised.\n"
            "\n"
            f"The client's clinician: {clinician}\n"
            f"The session (its clinician's page): {link}\n"
            "\n"
            "Please follow your organization's procedure for urgent signals.\n"
        )
    body += (
        "\nThis message carries no clinical details on purpose: sign in to Alliance Monitor "
        "to read them.\n"
    )
    return SUBJECT, body
