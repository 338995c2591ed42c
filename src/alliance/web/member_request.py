"""The request as a signed-in member's view sees it, for the type checker: the user, and the
organization and role that `MembershipMiddleware` sets once per request (None for both when
the account has no membership)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.http import HttpRequest

if TYPE_CHECKING:
    from alliance.care.models import Organization


class MemberRequest(HttpRequest):
    user: User  # login_required: never the anonymous user here
    organization: Organization | None
    role: str | None
