"""An organization admin's pages: members (add, deactivate, supervision) and break-glass
access to one client's record. Not an admin: the pages do not exist (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance.care.models import BreakGlass, Membership, Supervision
from alliance.care.services.admin import (
    AdminError,
    add_member,
    add_supervision,
    break_glass,
    set_active,
)
from alliance.web.member_request import MemberRequest

from .lookups import admin_organization, org_member


@login_required
def members(request: MemberRequest) -> HttpResponse:
    organization = admin_organization(request)
    if request.method == "POST":
        try:
            add_member(organization=organization, username=request.POST.get("username", ""),
                       role=request.POST.get("role", ""),
                       password=request.POST.get("password", ""))  # fmt: skip
        except AdminError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Member added.")
        return redirect("members")
    rows = Membership.objects.filter(organization=organization).select_related("user")
    links = Supervision.objects.filter(organization=organization).select_related("supervisee")
    supervises: dict[int, list[str]] = {}
    for link in links:
        supervises.setdefault(link.supervisor_id, []).append(link.supervisee.get_username())
    context = {
        "organization": organization,
        "rows": [(m, supervises.get(m.user_id, [])) for m in rows.order_by("user__username")],
        "roles": Membership.Role.choices,
        "clinicians": [m.user for m in rows if m.role == Membership.Role.CLINICIAN],
    }
    return render(request, "clinic/members.html", context)


@login_required
@require_POST
def member_active(request: MemberRequest, pk: int) -> HttpResponse:
    organization = admin_organization(request)
    member = org_member(request, pk)
    try:
        set_active(organization=organization, member=member,
                   active=request.POST.get("active") == "1", by=request.user)  # fmt: skip
    except AdminError as exc:
        messages.error(request, exc.message)
    return redirect("members")


@login_required
@require_POST
def member_supervises(request: MemberRequest, pk: int) -> HttpResponse:
    organization = admin_organization(request)
    supervisor = org_member(request, pk)
    supervisee_id = _member_id(request.POST.get("supervisee", ""))
    if supervisee_id is None:
        messages.error(request, "choose a clinician")
        return redirect("members")
    try:
        add_supervision(organization=organization, supervisor=supervisor,
                        supervisee=org_member(request, supervisee_id),
                        by=request.user)  # fmt: skip
    except AdminError as exc:
        messages.error(request, exc.message)
    return redirect("members")


def _member_id(posted: str) -> int | None:
    # ASCII digits only: str.isdigit() also takes "²" or "٣", which int() then refuses or
    # reads as another number; and no more digits than an id has.
    posted = posted.strip()
    if posted.isascii() and posted.isdigit() and len(posted) < 19:
        return int(posted)
    return None


@login_required
def break_glass_page(request: MemberRequest) -> HttpResponse:
    organization = admin_organization(request)
    if request.method == "POST":
        try:
            grant = break_glass(organization=organization, user=request.user,
                                code=request.POST.get("code", ""),
                                reason=request.POST.get("reason", ""))  # fmt: skip
        except AdminError as exc:
            messages.error(request, exc.message)
            return redirect("break-glass")
        return redirect("client", pk=grant.client_id)
    grants = BreakGlass.objects.filter(user=request.user, expires_at__gt=timezone.now())
    context = {"grants": grants.select_related("client")}
    return render(request, "clinic/break_glass.html", context)
