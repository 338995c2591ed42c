"""A member's email page (where notifications go) and the admin's list of notifications that
did not reach anyone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alliance.care.models import Membership
from alliance.clinic.lookups import admin_organization
from alliance.web.member_request import MemberRequest

from .account import EmailAddressError, change_email
from .lookups import admin_notification
from .problems import notification_problems, send_again


@login_required
def account_email(request: MemberRequest) -> HttpResponse:
    user = request.user
    entered, problem, status = user.email, "", 200
    if request.method == "POST":
        entered = request.POST.get("email", "")[:1000]
        try:
            change_email(user=user, email=entered)
        except EmailAddressError as exc:
            problem, status = exc.message, 400
        else:
            messages.success(request, "Your email address is saved.")
            return redirect("account-email")
    problems = None
    if request.organization is not None and request.role == Membership.Role.ADMIN:
        problems = notification_problems(request.organization).count()
    context = {"entered": entered, "problem": problem, "problems": problems}
    return render(request, "notify/account_email.html", context, status=status)


@login_required
def problems_page(request: MemberRequest) -> HttpResponse:
    organization = admin_organization(request)
    rows = notification_problems(organization)[:200]
    return render(request, "notify/problems.html", {"organization": organization, "rows": rows})


@login_required
@require_POST
def notification_send_again(request: MemberRequest, pk: int) -> HttpResponse:
    notification = admin_notification(request, pk)
    send_again(notification=notification, user=request.user)
    messages.success(request, "Queued to be sent again.")
    return redirect("notification-problems")
