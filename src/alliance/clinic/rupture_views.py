"""Recording a rupture, its repair steps and its outcome from the client page."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.care.services.ruptures import (
    RuptureError,
    record_outcome,
    record_repair_step,
    record_rupture,
)
from alliance.web.member_request import MemberRequest

from .forms import OutcomeForm, RepairStepForm, RuptureForm, first_error
from .lookups import own_client, own_rupture


def _back_to(rupture_or_client_id: int, anchor: str = "ruptures") -> HttpResponse:
    return redirect(f"{reverse('client', args=[rupture_or_client_id])}#{anchor}")


@login_required
@require_POST
def rupture_record(request: MemberRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    form = RuptureForm(request.POST)
    # A refusal comes back at the form (opened, its error beside it); a record, at the list.
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back_to(client.pk, "record-rupture")
    episode = client.episodes.order_by("-started_on", "-id").first()
    if episode is None:
        messages.error(request, "this client has no episode yet")
        return _back_to(client.pk, "record-rupture")
    try:
        record_rupture(episode=episode, user=request.user, **form.cleaned_data)
    except RuptureError as exc:
        messages.error(request, exc.message)
        return _back_to(client.pk, "record-rupture")
    messages.success(request, "Rupture recorded.")
    return _back_to(client.pk)


@login_required
@require_POST
def repair_step_record(request: MemberRequest, pk: int) -> HttpResponse:
    return _on_rupture(request, pk, RepairStepForm, record_repair_step)


@login_required
@require_POST
def rupture_outcome(request: MemberRequest, pk: int) -> HttpResponse:
    return _on_rupture(request, pk, OutcomeForm, record_outcome)


def _on_rupture(
    request: MemberRequest, pk: int, form_class: type[forms.Form], service: Callable[..., object]
) -> HttpResponse:
    """Parse the post, record it on the clinician's own rupture, back to the rupture."""
    rupture = own_rupture(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            service(rupture=rupture, user=request.user, **form.cleaned_data)
        except RuptureError as exc:
            messages.error(request, exc.message)
    return _back_to(rupture.episode.client_id, f"r{rupture.pk}")
