"""The notifications a URL names, reached through the signed-in admin's organization
(`alliance.clinic.lookups.admin_organization` decides whose they are): another
organization's, or any for someone who is not its admin, is a 404."""

from __future__ import annotations

from django.http import Http404

from alliance.clinic.lookups import admin_organization
from alliance.web.member_request import MemberRequest

from .models import Notification


def admin_notification(request: MemberRequest, pk: int) -> Notification:
    notification = (
        Notification.objects.filter(
            session__episode__client__organization=admin_organization(request), pk=pk
        )
        .select_related("session__episode__client")
        .first()
    )
    if notification is None:
        raise Http404
    return notification
