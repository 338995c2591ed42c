"""A member's own email address, where the notifications of urgent signals go."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from alliance.audit.trail import record
from alliance.errors import DomainError

# Django's EmailField and the user model's column: longer cannot be stored.
MAX_EMAIL = 254


class EmailAddressError(DomainError):
    """The address given cannot be used."""


def change_email(*, user: Any, email: str) -> None:
    email = email.strip()
    if not email:
        raise EmailAddressError(
            "email_missing", "Enter the address that notifications of urgent signals go to."
        )
    if len(email) > MAX_EMAIL:
        raise EmailAddressError("email_too_long", f"That address is longer than {MAX_EMAIL} "
                                "characters: enter a shorter one.")  # fmt: skip
    try:
        validate_email(email)
    except ValidationError:
        raise EmailAddressError(
            "email_invalid", "That is not an email address: enter one like name@example.org."
        ) from None
    if email == user.email:
        return
    with transaction.atomic():
        user.email = email
        user.save(update_fields=["email"])
        record("update", user, object_type="user", fields=["email"])
