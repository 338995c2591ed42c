"""The notifications a URL names, reached through the signed-in admin's organization (as
`alliance.clinic.lookups` does for the clinical record): another organization's is a 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from alliance.clinic.lookups import admin_organization
from alliance.web.member_request import MemberRequest

from .models import Notification


def admin_notification(request: MemberRequest, pk: int) -> Notification:
    notifications = Notification.objects.filter(
        session__episode__client__organization=admin_organization(request)
    )
    return get_object_or_404(notifications.select_related("session__episode__client"), pk=pk)
