"""The admin's page for the organization's crisis resources, and the clinician's note on a
self-harm answer kept from a form that was not sent complete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.care.services.acknowledgements import AcknowledgementError
from alliance.clinic.lookups import admin_organization, own_held_answer
from alliance.web.member_request import MemberRequest

from .models import CrisisResources
from .services import (
    CrisisResourcesError,
    crisis_for,
    phones_text,
    save_crisis_resources,
)
from .services import acknowledge_held_answer as acknowledge

FIELDS = ("message", "phones", "response_time", "duty_contact_email", "escalate_after_minutes")


@login_required
def crisis_resources(request: MemberRequest) -> HttpResponse:
    organization = admin_organization(request)
    saved = CrisisResources.objects.filter(organization=organization).first()
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in FIELDS}
        try:
            save_crisis_resources(organization=organization, by=request.user, **values)
        except CrisisResourcesError as exc:
            errors = {p.item or "": p.message for p in exc.problems}
        else:
            messages.success(request, "Crisis resources saved.")
            return redirect("crisis-resources")
    elif saved is not None:
        values = {
            "message": saved.message,
            "phones": phones_text(saved.phones),
            "response_time": saved.response_time,
            "duty_contact_email": saved.duty_contact_email,
            "escalate_after_minutes": str(saved.escalate_after_minutes),
        }
    else:
        values = {name: "" for name in FIELDS} | {"escalate_after_minutes": "60"}
    context = {
        "organization": organization,
        "values": values,
        "errors": errors,
        "preview": crisis_for(organization),
        "configured": saved is not None,
    }
    return render(request, "safety/crisis_admin.html", context, status=400 if errors else 200)


@login_required
@require_POST
def held_answer_acknowledge(request: MemberRequest, pk: int) -> HttpResponse:
    held = own_held_answer(request, pk)
    try:
        acknowledge(held=held, action=request.POST.get("action", ""),
                    note=request.POST.get("note", ""), user=request.user)  # fmt: skip
    except AcknowledgementError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('session', args=[held.session_id])}#held{held.pk}")
    messages.success(request, "Recorded.")
    return redirect("session", pk=held.session_id)
