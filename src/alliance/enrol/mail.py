"""The enrolment email: the link with which a new member chooses their password.

Sent at once, from the request that made the link, not queued: a queued job would have to
store the token, and only its hash is ever stored. A failure is logged (address masked),
audited and told to the admin, who still has the link to hand over another way.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from alliance.audit.trail import record
from alliance.care.models import Organization
from alliance.notify.delivery import masked

from .services import ENROLMENT_LIFETIME

logger = logging.getLogger("alliance.enrol")

SUBJECT = "Alliance Monitor: set up your account"


def enrolment_link(token: str) -> str:
    return settings.BASE_URL + reverse("enrol", args=[token])


def compose(*, username: str, organization: str, link: str) -> tuple[str, str]:
    hours = int(ENROLMENT_LIFETIME.total_seconds() // 3600)
    body = (
        f"An account at {organization} was made for you in Alliance Monitor.\n"
        "\n"
        f"Your username: {username}\n"
        "\n"
        f"Open this link within {hours} hours to choose your password and set up two-factor "
        "sign-in (an authenticator app on your phone). It works once:\n"
        f"{link}\n"
        "\n"
        "Nobody else knows or can choose your password. If you did not expect this message, "
        "do not open the link; tell your organization's admin.\n"
    )
    return SUBJECT, body


def send_enrolment(*, user: Any, organization: Organization, token: str) -> bool:
    """Email the link to the member's address; False when it could not be sent."""
    address = user.email.strip()
    subject, body = compose(username=user.get_username(), organization=organization.name,
                            link=enrolment_link(token))  # fmt: skip
    try:
        send_mail(subject, body, None, [address], fail_silently=False)
    except Exception as exc:  # any backend's failure: SMTP, network, a full disk
        logger.warning("enrolment email for user %s to %s not sent: %s", user.pk,
                       masked(address), masked(f"{type(exc).__name__}: {exc}"))  # fmt: skip
        record("update", user, object_type="user", organization_id=organization.pk,
               detail="enrolment email not sent")  # fmt: skip
        return False
    record("update", user, object_type="user", organization_id=organization.pk,
           detail="enrolment email sent")  # fmt: skip
    return True
