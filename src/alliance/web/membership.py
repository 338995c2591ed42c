"""The signed-in member's organization and role, read once per request.

Views and lookups read `request.organization` (an Organization, or None) and `request.role`
(a `Membership.Role` value, or None) instead of each asking the database which organization
the user belongs to; which membership counts is decided in `care.services.access.membership_of`.
Anonymous visitors, and accounts without a membership (a member removed from the organization),
get None for both: they own nothing, so every lookup through the organization finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse

from alliance.care.models import Organization
from alliance.care.services.access import membership_of

from .member_request import MemberRequest


class MembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        membership = membership_of(user) if user is not None and user.is_authenticated else None
        organization: Organization | None = membership.organization if membership else None
        role: str | None = membership.role if membership else None
        member = cast(MemberRequest, request)
        member.organization, member.role = organization, role
        return self.get_response(request)
