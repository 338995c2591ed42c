"""Enrolment links: made by an admin, used once by the member to choose their own password.

A link works for `ENROLMENT_LIFETIME` (72 hours: a long weekend), once, and only while it is
the member's latest and the account is active. The token is 256 random bits, shown once
(and emailed when the member has an address); only its SHA-256 hash is stored. Using it
sets the password the member chose (Django's validators) and removes any second factor the
account had, so the member sets up a new one next: someone who lost both password and phone
starts again from a fresh link.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.audit.trail import Actor, current_actor, record
from alliance.care.models import Organization
from alliance.care.services.links import token_hash
from alliance.errors import DomainError, Problem

from .models import Enrolment

ENROLMENT_LIFETIME = dt.timedelta(hours=72)


class EnrolmentUnusable(DomainError):
    """An unknown, used, expired or withdrawn enrolment link; `reason` (the code) says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, f"the enrolment link cannot be used: {reason}")
        self.reason = reason


class EnrolmentError(DomainError):
    """Codes: weak_password."""


def issue_enrolment(*, user: Any, organization: Organization, by: Any) -> tuple[Enrolment, str]:
    """A new link for `user`; any earlier link of theirs not yet used stops working. Returns
    the link with its token (never stored)."""
    token = secrets.token_urlsafe(32)  # 256 bits
    now = timezone.now()
    with transaction.atomic():
        Enrolment.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        enrolment = Enrolment.objects.create(
            user=user, organization=organization, token_hash=token_hash(token), created_by=by,
            expires_at=now + ENROLMENT_LIFETIME,
        )  # fmt: skip
        detail = f"enrolment link for {user.get_username()}"[:200]
        record("create", enrolment, organization_id=organization.pk, fields=["expires_at"],
               actor=_named(by), detail=detail)  # fmt: skip
    return enrolment, token


def open_enrolment(token: str) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_related("user", "organization")
        .filter(token_hash=token_hash(token))
        .first()
    )
    return _usable(enrolment)


def _usable(enrolment: Enrolment | None) -> Enrolment:
    if enrolment is None:
        raise EnrolmentUnusable("unknown")
    if enrolment.used_at is not None:
        raise EnrolmentUnusable("used")
    # A deactivated member's link is withdrawn with the account.
    if enrolment.revoked_at is not None or not enrolment.user.is_active:
        raise EnrolmentUnusable("revoked")
    if enrolment.expires_at <= timezone.now():
        raise EnrolmentUnusable("expired")
    return enrolment


def complete_enrolment(*, enrolment: Enrolment, password: str) -> Any:
    """Set the password the member chose and use the link up; returns the member's account.
    Raises `EnrolmentUnusable` (used meanwhile, expired, withdrawn) or `EnrolmentError`."""
    with transaction.atomic():
        # Locked: two tabs sending the form at once find the link used, one after the other.
        locked = Enrolment.objects.select_for_update().select_related("user")
        enrolment = _usable(locked.filter(pk=enrolment.pk).first())
        user = enrolment.user
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            problems = [Problem("password", text, "weak_password") for text in exc.messages]
            raise EnrolmentError("weak_password", " ".join(exc.messages), problems) from None
        user.set_password(password)
        user.save(update_fields=["password"])
        # A second factor set up before (a member starting again) goes: the member sets up
        # a new one next, with a new secret.
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        enrolment.used_at = timezone.now()
        enrolment.save(update_fields=["used_at"])
        record("update", user, object_type="user", organization_id=enrolment.organization_id,
               fields=["password", "second_factor"], actor=_named(user),
               detail="enrolled: password chosen by the member")  # fmt: skip
    return user


def _named(user: Any) -> Actor | None:
    # The entry is the named person's, whoever the request was served to (the enrolment
    # page is public: its visitor is anonymous until the password is set).
    if user is None:
        return None
    return Actor(user.pk, user.get_username(), current_actor().address)


@dataclass(frozen=True)
class SignInState:
    """What a member's admin may know of their sign-in: never the password, only whether
    there is one."""

    enrolled: bool  # a password of their own is set
    link_until: dt.datetime | None  # an enrolment link works until then
    second_factor: bool
    locked: bool  # too many failed sign-ins (django-axes), still cooling off


def sign_in_states(users: list[Any]) -> dict[int, SignInState]:
    now = timezone.now()
    ids = [user.pk for user in users]
    links = dict(
        Enrolment.objects.filter(
            user_id__in=ids, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).values_list("user_id", "expires_at")
    )
    with_factor = set(
        TOTPDevice.objects.filter(user_id__in=ids, confirmed=True).values_list("user_id", flat=True)
    )
    locked = set(
        AccessAttempt.objects.filter(
            username__in=[user.get_username() for user in users],
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=now - settings.AXES_COOLOFF_TIME,
        ).values_list("username", flat=True)
    )
    return {
        user.pk: SignInState(
            enrolled=user.has_usable_password(),
            link_until=links.get(user.pk),
            second_factor=user.pk in with_factor,
            locked=user.get_username() in locked,
        )
        for user in users
    }
