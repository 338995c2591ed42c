"""What an organization's admin does: members and their roles, supervision, sign-in help
(enrolment links, unlocking, a new second factor), and break-glass access to a client's
record. Every change is audited.

An admin never knows a member's password: a member added here has none until they choose it
with their enrolment link (alliance.enrol). Usernames made here end in "@" and the
organization's slug ("alice@org"): one organization's names can never collide with
another's, so adding a member answers the same whether or not that name is used elsewhere,
and an admin learns nothing of other organizations' accounts from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.utils import reset as reset_sign_in_failures
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.audit.trail import Actor, current_actor, record
from alliance.enrol.models import Enrolment
from alliance.enrol.services import issue_enrolment
from alliance.errors import DomainError, Problem

from ..models import BreakGlass, Client, Membership, Organization, Supervision

BREAK_GLASS_LIFETIME = dt.timedelta(hours=1)
MAX_EMAIL = 254  # the user model's column


class AdminError(DomainError):
    """Codes: bad_role, bad_username, bad_email, weak_password, username_taken, own_account,
    not_a_supervisor, not_a_clinician, no_reason, no_such_client, organization_taken,
    no_email."""


@dataclass(frozen=True)
class Enrolled:
    """A member with a fresh enrolment link: `token` is shown once, never stored."""

    user: Any
    enrolment: Enrolment
    token: str


def enrol_member(
    *, organization: Organization, username: str, role: str, email: str = "", by: Any
) -> Enrolled:
    """A new member of `organization`, with no usable password and an enrolment link.

    `username` is the part before "@<slug>", which is added (typed with it, it is taken
    off). Refused with one answer, "already taken in this organization", for a name in use
    here; a name used in another organization cannot collide (see the module's docstring).
    """
    if role not in Membership.Role.values:
        raise AdminError("bad_role", "the role is clinician, supervisor or admin")
    full = _namespaced(username, organization)
    email = email.strip()
    if email:
        try:
            if len(email) > MAX_EMAIL:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            raise AdminError("bad_email", "that is not an email address: enter one like "
                             "name@example.org, or leave it empty") from None  # fmt: skip
    users = get_user_model()
    taken = AdminError("username_taken", f"{full} is already taken in this organization: "
                       "choose another username")  # fmt: skip
    if users.objects.filter(username=full).exists():
        raise taken
    try:
        with transaction.atomic():
            user = users(username=full, email=email)
            user.set_unusable_password()
            user.save()
            Membership.objects.create(organization=organization, user=user, role=role)
            record("create", user, object_type="user", organization_id=organization.pk,
                   fields=["username", "role", "email"] if email else ["username", "role"],
                   actor=_acting(by), detail=f"member added as {role}")  # fmt: skip
            enrolment, token = issue_enrolment(user=user, organization=organization, by=by)
    except IntegrityError:  # the same name added at the same moment
        raise taken from None
    return Enrolled(user, enrolment, token)


def _namespaced(username: str, organization: Organization) -> str:
    name = username.strip()
    suffix = f"@{organization.slug}"
    if name.endswith(suffix):
        name = name[: -len(suffix)]
    try:
        if not name or "@" in name:
            raise ValidationError("empty or with @")
        UnicodeUsernameValidator()(name)
    except ValidationError:
        raise AdminError("bad_username", "give a username of letters, digits and . + - _ "
                         f"only (\"{suffix}\" is added)") from None  # fmt: skip
    full = name + suffix
    if len(full) > 150:
        raise AdminError("bad_username", f"give a username of at most {150 - len(suffix)} "
                         "characters")  # fmt: skip
    return full


def new_enrolment_link(*, organization: Organization, member: Any, by: Any) -> Enrolled:
    """A fresh link for a member who has not enrolled yet (their link expired or was lost);
    earlier links stop working. A member who has chosen a password gets none from here: the
    link would let whoever holds it take over the account, and the admin would hold it."""
    if member.has_usable_password():
        raise AdminError("enrolled", f"{member.get_username()} has already chosen a password: "
                         "after a lost phone, reset their second factor instead")  # fmt: skip
    if not member.is_active:
        raise AdminError("inactive", "reactivate the account first")
    enrolment, token = issue_enrolment(user=member, organization=organization, by=by)
    return Enrolled(member, enrolment, token)


def unlock_member(*, organization: Organization, member: Any, by: Any) -> int:
    """Clear the failed sign-ins that locked `member` out (django-axes); returns how many
    records of failed attempts were cleared."""
    cleared: int = reset_sign_in_failures(username=member.get_username())
    record("update", member, object_type="user", organization_id=organization.pk,
           fields=["sign_in_lockout"], actor=_acting(by),
           detail=f"sign-in unlocked ({cleared} records of failed attempts cleared)")  # fmt: skip
    return cleared


def reset_second_factor(*, organization: Organization, member: Any, by: Any) -> None:
    """Remove the member's authenticator and recovery codes: they set up new ones at their
    next sign-in (with their own password, which the admin does not know)."""
    if member.pk == by.pk:
        raise AdminError("own_account", "you cannot reset your own second factor here")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=member).delete()
        StaticDevice.objects.filter(user=member).delete()
        record("update", member, object_type="user", organization_id=organization.pk,
               fields=["second_factor"], actor=_acting(by),
               detail="second factor reset by the admin")  # fmt: skip


def add_member(*, organization: Organization, username: str, role: str, password: str) -> Any:
    """The install's first admin, from the command line (`create_organization`), with the
    password they type themselves. The members page never sets a password: `enrol_member`."""
    if role not in Membership.Role.values:
        raise AdminError("bad_role", "the role is clinician, supervisor or admin")
    username = username.strip()
    if not username or len(username) > 150:
        raise AdminError("bad_username", "give a username of 1 to 150 characters")
    users = get_user_model()
    candidate = users(username=username)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        problems = [Problem("password", text, "weak_password") for text in exc.messages]
        raise AdminError("weak_password", " ".join(exc.messages), problems) from None
    try:
        with transaction.atomic():
            user = users.objects.create_user(username=username, password=password)
            Membership.objects.create(organization=organization, user=user, role=role)
            record("create", user, object_type="user", organization_id=organization.pk,
                   fields=["username", "role"], detail=f"member added as {role}")  # fmt: skip
    except IntegrityError:
        raise AdminError("username_taken", f"the username {username!r} is taken") from None
    return user


def set_active(*, organization: Organization, member: Any, active: bool, by: Any) -> None:
    if member.pk == by.pk:
        raise AdminError("own_account", "you cannot deactivate your own account")
    with transaction.atomic():
        member.is_active = active
        member.save(update_fields=["is_active"])
        if not active:
            # An enrolment link ends with the account for good: reactivating it does not
            # revive a link that may have been passed on meanwhile.
            Enrolment.objects.filter(
                user=member, used_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=timezone.now())
        record("update", member, object_type="user", organization_id=organization.pk,
               fields=["is_active"], detail="reactivated" if active else "deactivated")  # fmt: skip


def add_supervision(
    *, organization: Organization, supervisor: Any, supervisee: Any, by: Any = None
) -> None:
    """Link a supervisor to a clinician; the entry names the admin who did it (`by`), and
    the supervisee's own trail page reads "since when" from it."""
    roles = dict(
        Membership.objects.filter(
            organization=organization, user__in=[supervisor, supervisee]
        ).values_list("user_id", "role")
    )
    if roles.get(supervisor.pk) != Membership.Role.SUPERVISOR:
        raise AdminError("not_a_supervisor", "only a supervisor of this organization can supervise")
    if roles.get(supervisee.pk) != Membership.Role.CLINICIAN:
        raise AdminError(
            "not_a_clinician", "only a clinician of this organization can be supervised"
        )
    with transaction.atomic():
        link, created = Supervision.objects.get_or_create(
            organization=organization, supervisor=supervisor, supervisee=supervisee
        )
        if created:
            record("create", link, organization_id=organization.pk,
                   fields=["supervisor", "supervisee"], actor=_acting(by),
                   detail=f"{supervisor.get_username()} supervises "
                   f"{supervisee.get_username()}"[:200])  # fmt: skip


def _acting(by: Any) -> Actor | None:
    # Named explicitly: the entry is the admin's even when no request carries them.
    if by is None:
        return None
    return Actor(by.pk, by.get_username(), current_actor().address)


def break_glass(*, organization: Organization, user: Any, code: str, reason: str) -> BreakGlass:
    """Open one client's record to an admin for an hour. A refused attempt is audited too
    (without the code tried: the trail holds no client codes)."""
    reason = reason.strip()
    if len(reason) < 10:
        _refused(organization, user, "no reason given")
        raise AdminError("no_reason", "say why the record must be opened (10 characters or more)")
    client = Client.objects.filter(organization=organization, code=code.strip()).first()
    if client is None:
        _refused(organization, user, "no client with the code given")
        raise AdminError("no_such_client", "no client with that code in this organization")
    grant = BreakGlass.objects.create(user=user, client=client, reason=reason[:500],
                                      expires_at=timezone.now() + BREAK_GLASS_LIFETIME)  # fmt: skip
    # The reason is typed by the admin and may hold clinical words: marked as free text.
    record("break_glass", client, client_id=client.pk, organization_id=organization.pk,
           owner_id=client.clinician_id, actor=_acting(user), free_text=True,
           detail=f"read access for 1 hour: {reason[:150]}")  # fmt: skip
    return grant


def _refused(organization: Organization, user: Any, why: str) -> None:
    record("break_glass_failed", object_type="client", organization_id=organization.pk,
           actor=_acting(user), detail=why)  # fmt: skip


def clients_of_member(*, organization: Organization, member: Any) -> int:
    """How many clients `member` has here: what deactivating them leaves to transfer."""
    return Client.objects.filter(organization=organization, clinician=member).count()
