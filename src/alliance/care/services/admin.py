"""What an organization's admin does: members and their roles, supervision, and
break-glass access to a client's record. Every change is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.audit.trail import Actor, current_actor, record
from alliance.errors import DomainError, Problem

from ..models import BreakGlass, Client, Membership, Organization, Supervision

BREAK_GLASS_LIFETIME = dt.timedelta(hours=1)


class AdminError(DomainError):
    """Codes: bad_role, bad_username, weak_password, username_taken, own_account,
    not_a_supervisor, not_a_clinician, no_reason, no_such_client, organization_taken."""


def add_member(*, organization: Organization, username: str, role: str, password: str) -> Any:
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
    member.is_active = active
    member.save(update_fields=["is_active"])
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
