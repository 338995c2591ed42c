"""Sign-in and sign-out entries in the audit trail, naming the member's organization (so
that the organization's admin sees them); failed sign-ins have no member and are recorded
by the audit app itself."""

from __future__ import annotations

from typing import Any

from alliance.audit.sign_ins import sign_in_actor
from alliance.audit.trail import record

from .services.access import membership_of


def _organization_id(user: Any) -> int | None:
    # Looked up, not read from the request: at sign-in the request was served anonymous.
    membership = membership_of(user)
    return membership.organization_id if membership else None


def signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("sign_in", user, object_type="user", actor=sign_in_actor(request, user),
           organization_id=_organization_id(user))  # fmt: skip


def signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("sign_out", user, object_type="user", actor=sign_in_actor(request, user),
               organization_id=_organization_id(user))  # fmt: skip
