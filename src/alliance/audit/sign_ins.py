"""Failed sign-in entries in the audit trail, and who signed in or out as an actor.

Sign-ins and sign-outs name the member's organization, which the trail does not know: the
care app records them (its sign_ins module), with `sign_in_actor` from here. A failed sign-in
has no member, so it is recorded here, with the username tried.
"""

from __future__ import annotations

from typing import Any

from .trail import Actor, client_address, record


def sign_in_actor(request: Any, user: Any, username: str = "") -> Actor:
    # At sign-in the request's user is not yet the one signing in: the actor is named here.
    address = client_address(request) if request is not None else ""
    if user is not None:
        return Actor(user.pk, user.get_username(), address)
    return Actor(None, username, address)


def sign_in_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    # The username tried, never the password (Django already masks it in `credentials`).
    username = str(credentials.get("username", ""))[:150]
    record("sign_in_failed", object_type="user", actor=sign_in_actor(request, None, username))
