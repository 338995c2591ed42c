"""Sign-in, sign-out and failed sign-in entries in the audit trail."""

from __future__ import annotations

from typing import Any

from .trail import Actor, client_address, record


def _actor(request: Any, user: Any, username: str = "") -> Actor:
    address = client_address(request) if request is not None else ""
    if user is not None:
        return Actor(user.pk, user.get_username(), address)
    return Actor(None, username, address)


def _organization(user: Any) -> int | None:
    from alliance.care.models import Membership

    return (
        Membership.objects.filter(user=user)
        .order_by("organization_id")
        .values_list("organization_id", flat=True)
        .first()
    )


def signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("sign_in", user, object_type="user", actor=_actor(request, user),
           organization_id=_organization(user))  # fmt: skip


def signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("sign_out", user, object_type="user", actor=_actor(request, user),
               organization_id=_organization(user))  # fmt: skip


def sign_in_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    # The username tried, never the password (Django already masks it in `credentials`).
    username = str(credentials.get("username", ""))[:150]
    record("sign_in_failed", object_type="user", actor=_actor(request, None, username))
