"""Thin views: fetch through the signed-in clinician, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from alliance.audit.trail import record
from alliance.care.models import (
    Membership,
    Session,
)
from alliance.care.services.access import supervisions
from alliance.care.services.acknowledgements import AcknowledgementError, acknowledge_signal
from alliance.care.services.caseload import (
    CaseloadFilter,
    CaseloadFilterError,
    caseload_filter,
    clinician_caseload,
    flag_choices,
)
from alliance.care.services.clients import ClientError, add_client, open_episode
from alliance.care.services.plans import PlanError, update_measure_plan
from alliance.care.services.privacy import ErasureError, erase_client, export_client
from alliance.web.member_request import MemberRequest

from .caseload_rows import caseload_rows
from .lookups import own_client, own_signal

CASELOAD_PAGE = 100


@login_required
def caseload(request: MemberRequest) -> HttpResponse:
    if request.method == "POST":
        if request.role in (Membership.Role.SUPERVISOR, Membership.Role.ADMIN):
            # A client belongs to the clinician who sees them: a supervisor or an admin
            # adding one would hold a caseload nobody treats.
            refusal = {"message": "Only a clinician adds clients, to their own caseload."}
            return render(request, "clinic/refused.html", refusal, status=403)
        try:
            client = add_client(
                clinician=request.user,
                organization=request.organization,
                code=request.POST.get("code", ""),
                symptom_instruments=request.POST.get("symptom_instruments", "phq-9+gad-7"),
            )
        except ClientError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("client", pk=client.pk)
    # Most pressing first, a page at a time: each client's place is stored with the client,
    # so the page is one ordered, limited query (and a count), whatever the caseload's size;
    # a search or a flag filter narrows that same query.
    narrowed = _narrowed(request)
    rows = clinician_caseload(request.user, request.organization, narrowed)
    page = Paginator(rows, CASELOAD_PAGE).get_page(request.GET.get("page"))
    is_clinician = request.role == Membership.Role.CLINICIAN or page.paginator.count > 0
    supervision = [
        (link.supervisee, Paginator(clinician_caseload(link.supervisee, link.organization,
                                                       narrowed), CASELOAD_PAGE).get_page(1))
        for link in supervisions(request.user)
    ]  # fmt: skip
    _audit_listed(request, [(request.user, page), *supervision])
    # The rows written once in Python (caseload_rows): a template loop over them cost more
    # than the page's queries.
    context = {"page": page, "rows": caseload_rows(page.object_list),
               "supervision": [(supervisee, listed, caseload_rows(listed.object_list))
                               for supervisee, listed in supervision],
               "is_clinician": is_clinician,
               "is_admin": request.role == Membership.Role.ADMIN, "narrowed": narrowed,
               "flag_choices": flag_choices(), "kept": _kept(narrowed)}  # fmt: skip
    return render(request, "clinic/caseload.html", context)


def _narrowed(request: MemberRequest) -> CaseloadFilter:
    """The search and flag filter asked for; one that cannot be read is said and dropped."""
    try:
        return caseload_filter(code=request.GET.get("code", ""),
                               match=request.GET.get("match", ""),
                               flag=request.GET.get("flag", ""))  # fmt: skip
    except CaseloadFilterError as exc:
        messages.error(request, exc.message)
        return CaseloadFilter()


def _kept(narrowed: CaseloadFilter) -> str:
    """The search and filter as a query string, for the page links to keep them."""
    if not narrowed.active:
        return ""
    asked = {"code": narrowed.code, "match": "prefix" if narrowed.prefix else "",
             "flag": narrowed.flag}  # fmt: skip
    return urlencode({name: value for name, value in asked.items() if value})


def _audit_listed(request: MemberRequest, shown: list[tuple[Any, Any]]) -> None:
    """One entry for the page view: the ids of the clients listed and whose they are (a
    supervisor's page lists their supervisees' clients, which each supervisee's own trail
    then shows). A page that lists no one read nothing."""
    for _owner, listed in shown:
        # Evaluated here, once: the template iterates these same lists, no second query.
        listed.object_list = list(listed.object_list)
    clients = [client.pk for _owner, listed in shown for client in listed.object_list]
    owners = [owner.pk for owner, listed in shown if listed.object_list]
    if clients:
        organization = request.organization
        record("read", object_type="caseload", object_id=request.user.pk, clients=clients,
               listed_owners=owners,
               organization_id=organization.pk if organization is not None else None)  # fmt: skip


@login_required
@require_POST
def episode_plan(request: MemberRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    episode = open_episode(client)
    if episode is None:
        messages.error(request, "this client has no open episode")
    else:
        try:
            update_measure_plan(
                episode=episode,
                every_session=request.POST.getlist("every_session"),
                wai_windows=request.POST.get("wai_windows", ""),
                therapist_wai=request.POST.get("therapist_wai") == "on",
                start=request.POST.getlist("start"),
            )
        except PlanError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Measure plan saved.")
    return redirect(f"{reverse('client', args=[client.pk])}#plan")


@login_required
def client_export(request: MemberRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    response = JsonResponse(export_client(client), json_dumps_params={"indent": 1})
    response["Content-Disposition"] = f'attachment; filename="client-{client.pk}.json"'
    return response


@login_required
@require_POST
def client_erase(request: MemberRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    try:
        erase_client(client=client, confirm_code=request.POST.get("confirm", ""))
    except ErasureError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('client', args=[client.pk])}#privacy")
    messages.success(request, "The client's record is erased.")
    return redirect("caseload")


@login_required
@require_POST
def signal_acknowledge(request: MemberRequest, pk: int) -> HttpResponse:
    signal = own_signal(request, pk)
    try:
        acknowledge_signal(
            signal=signal,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
            user=request.user,
        )
    except AcknowledgementError as exc:
        messages.error(request, exc.message)
    if request.POST.get("from") == "session":
        # Recorded from the session page's feedback card: back to that session.
        session = Session.objects.filter(
            episode=signal.episode, number=signal.session_number
        ).first()
        if session is not None:
            return redirect(f"{reverse('session', args=[session.pk])}#live")
    return redirect(f"{reverse('client', args=[signal.episode.client_id])}#s{signal.pk}")
