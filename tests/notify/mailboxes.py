"""Email backends for the tests: one whose mail server refuses every message."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """As a mail server that answers every message with a temporary failure."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise smtplib.SMTPRecipientsRefused(
            {address: (451, b"try again later") for m in email_messages for address in m.to}
        )
