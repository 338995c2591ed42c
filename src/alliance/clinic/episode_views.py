"""Episodes end and begin (the client's clinician), and a client moves to another clinician
(the organization's admin).

Discharge is a page first: the episode's outcome so far (each measure's change and its
Jacobson-Truax category) and the end date, then a post that closes it. Anyone but the
client's clinician gets a 404 on all of it, and anyone but an admin on the transfer page.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance.audit.trail import record, record_for_client
from alliance.care.services.clients import open_episode
from alliance.care.services.episode_summary import summarize_episode
from alliance.care.services.episodes import (
    EpisodeError,
    begin_episode,
    close_episode,
    unacted_safety_sessions,
)
from alliance.care.services.transfer import (
    TransferError,
    clinicians_of,
    organization_client,
    transfer_client,
    transfer_list,
)
from alliance.web.member_request import MemberRequest
from alliance.web.typed import plain_int

from .lookups import admin_organization, org_member, own_client

TRANSFER_PAGE = 100


@login_required
def episode_discharge(request: MemberRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    episode = open_episode(client)
    if episode is None:
        messages.error(request, "This client has no open episode to close.")
        return redirect(f"{reverse('client', args=[client.pk])}#episodes")
    problem = ""
    if request.method == "POST":
        try:
            ended_on = _date(request.POST.get("ended_on", ""))
            close_episode(client=client, user=request.user, ended_on=ended_on)
        except EpisodeError as exc:
            problem = exc.message
        else:
            messages.success(request, "Episode closed. Its outcome stays on this page.")
            return redirect(f"{reverse('client', args=[client.pk])}#episodes")
    record_for_client("read", client, client, detail="discharge summary")
    context = {"client": client, "summary": summarize_episode(episode), "problem": problem,
               "unacted": unacted_safety_sessions(episode),
               "today": timezone.localdate().isoformat(),
               "ended_on": request.POST.get("ended_on", "")}  # fmt: skip
    return render(request, "clinic/discharge.html", context, status=400 if problem else 200)


@login_required
@require_POST
def episode_begin(request: MemberRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    try:
        begin_episode(client=client, user=request.user,
                      symptom_instruments=request.POST.get("symptom_instruments", ""))  # fmt: skip
    except EpisodeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "New episode started: its sessions are numbered from 1.")
    return redirect(f"{reverse('client', args=[client.pk])}#episodes")


@login_required
def client_transfer(request: MemberRequest) -> HttpResponse:
    organization = admin_organization(request)
    if request.method == "POST":
        client_id, clinician_id = _id(request.POST.get("client")), _id(request.POST.get("to"))
        if client_id is None or clinician_id is None:
            messages.error(request, "Choose a client and the clinician to move them to.")
        else:
            to_clinician = org_member(request, clinician_id)
            try:
                client = organization_client(organization, client_id)
                transfer_client(organization=organization, client=client,
                                to_clinician=to_clinician, by=request.user)  # fmt: skip
            except TransferError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"{client.code} moved.")
        return redirect(request.get_full_path())
    code = request.GET.get("code", "").strip()[:40]
    page = Paginator(transfer_list(organization, code), TRANSFER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)
    if page.object_list:
        # Codes and clinicians only, no clinical content; still a list of clients read.
        record("read", object_type="client_list", object_id=organization.pk,
               clients=[c.pk for c in page.object_list], organization_id=organization.pk,
               detail="transfer page")  # fmt: skip
    context = {"page": page, "code": code, "clinicians": clinicians_of(organization)}
    return render(request, "clinic/transfer.html", context)


def _date(posted: str) -> dt.date | None:
    posted = posted.strip()
    if not posted:
        return None
    try:
        # ASCII only: fromisoformat takes other digits too on some inputs.
        if not posted.isascii():
            raise ValueError(posted)
        return dt.date.fromisoformat(posted)
    except ValueError:
        raise EpisodeError("bad_end_date", "give the end date as a date, e.g. 2026-03-31") from None


def _id(posted: str | None) -> int | None:
    return plain_int(posted)
