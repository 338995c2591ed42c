"""An organization admin's pages: members (add with an enrolment link, deactivate after a
confirmation, supervision, sign-in help) and break-glass access to one client's record. Not
an admin: the pages do not exist (404). No page here shows or takes a member's password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance.care.models import BreakGlass, Membership, Supervision
from alliance.care.services.admin import (
    AdminError,
    Enrolled,
    add_supervision,
    break_glass,
    clients_of_member,
    enrol_member,
    new_enrolment_link,
    reset_second_factor,
    set_active,
    unlock_member,
)
from alliance.enrol.mail import send_enrolment
from alliance.enrol.services import sign_in_states
from alliance.notify.delivery import masked
from alliance.web.member_request import MemberRequest
from alliance.web.typed import plain_int

from .lookups import admin_organization, org_member


@login_required
def members(request: MemberRequest) -> HttpResponse:
    organization = admin_organization(request)
    if request.method == "POST":
        try:
            enrolled = enrol_member(organization=organization,
                                    username=request.POST.get("username", ""),
                                    role=request.POST.get("role", ""),
                                    email=request.POST.get("email", "")[:1000],
                                    by=request.user)  # fmt: skip
        except AdminError as exc:
            messages.error(request, exc.message)
            return redirect("members")
        return _enrolment_page(request, enrolled, added=True)
    rows = Membership.objects.filter(organization=organization).select_related("user")
    rows = rows.order_by("user__username")
    links = Supervision.objects.filter(organization=organization).select_related("supervisee")
    supervises: dict[int, list[str]] = {}
    for link in links:
        supervises.setdefault(link.supervisor_id, []).append(link.supervisee.get_username())
    states = sign_in_states([m.user for m in rows])
    context = {
        "organization": organization,
        "rows": [(m, supervises.get(m.user_id, []), states[m.user_id]) for m in rows],
        "roles": Membership.Role.choices,
        "clinicians": [m.user for m in rows if m.role == Membership.Role.CLINICIAN],
        "suffix": f"@{organization.slug}",
    }
    return render(request, "clinic/members.html", context)


def _enrolment_page(request: MemberRequest, enrolled: Enrolled, *, added: bool) -> HttpResponse:
    """The link, shown this once (answering the post: the token goes into no session), and
    emailed to the member when they have an address."""
    organization = admin_organization(request)
    emailed: bool | None = None
    if enrolled.user.email:
        emailed = send_enrolment(user=enrolled.user, organization=organization,
                                 token=enrolled.token)  # fmt: skip
    context = {
        "member": enrolled.user,
        "added": added,
        "url": request.build_absolute_uri(reverse("enrol", args=[enrolled.token])),
        "expires_at": enrolled.enrolment.expires_at,
        "emailed": emailed,
        "address": masked(enrolled.user.email),
    }
    return render(request, "clinic/member_enrolment.html", context)


@login_required
@require_POST
def member_enrolment(request: MemberRequest, pk: int) -> HttpResponse:
    organization = admin_organization(request)
    member = org_member(request, pk)
    try:
        enrolled = new_enrolment_link(organization=organization, member=member, by=request.user)
    except AdminError as exc:
        messages.error(request, exc.message)
        return redirect("members")
    return _enrolment_page(request, enrolled, added=False)


@login_required
@require_POST
def member_active(request: MemberRequest, pk: int) -> HttpResponse:
    organization = admin_organization(request)
    member = org_member(request, pk)
    active = request.POST.get("active") == "1"
    if not active and request.POST.get("confirm") != "yes":
        # Deactivating takes the confirmation page's button, never one click on the list.
        return redirect("member-deactivate", pk=member.pk)
    try:
        set_active(organization=organization, member=member, active=active,
                   by=request.user)  # fmt: skip
    except AdminError as exc:
        messages.error(request, exc.message)
    else:
        what = "reactivated" if active else "deactivated"
        messages.success(request, f"{member.get_username()} is {what}.")
    return redirect("members")


@login_required
def member_deactivate(request: MemberRequest, pk: int) -> HttpResponse:
    organization = admin_organization(request)
    member = org_member(request, pk)
    context = {
        "member": member,
        "own": member.pk == request.user.pk,
        "clients": clients_of_member(organization=organization, member=member),
    }
    return render(request, "clinic/member_deactivate.html", context)


@login_required
@require_POST
def member_unlock(request: MemberRequest, pk: int) -> HttpResponse:
    organization = admin_organization(request)
    member = org_member(request, pk)
    unlock_member(organization=organization, member=member, by=request.user)
    messages.success(request, f"{member.get_username()} can sign in again.")
    return redirect("members")


@login_required
@require_POST
def member_second_factor(request: MemberRequest, pk: int) -> HttpResponse:
    organization = admin_organization(request)
    member = org_member(request, pk)
    try:
        reset_second_factor(organization=organization, member=member, by=request.user)
    except AdminError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{member.get_username()} sets up a new second factor at "
                         "their next sign-in.")  # fmt: skip
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
    return plain_int(posted)


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
