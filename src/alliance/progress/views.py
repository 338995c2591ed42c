"""The client's progress page (through a progress link, no sign-in) and the clinician's
changes to sharing and links (POST, then back to the client's page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from alliance.clinic.lookups import own_client, own_progress_link
from alliance.web.guesses import guessing_too_much
from alliance.web.member_request import MemberRequest

from .handover import keep_fresh_link
from .services import progress_for
from .sharing import (
    ProgressLinkUnusable,
    SharingOff,
    create_progress_link,
    open_progress_link,
    revoke_progress_link,
    set_sharing,
)

TOO_MANY = "Too many links were tried from this connection. Please wait a few minutes."
UNUSABLE = {
    "unknown": (404, "This link is not known. Please ask your therapist for a new one."),
    "expired": (410, "This link has expired. Please ask your therapist for a new one."),
    "revoked": (410, "This link has been withdrawn. Please ask your therapist about it."),
}
NOT_SHARED = "Your progress is not shared at the moment. Please ask your therapist about it."


@never_cache
@require_GET
def progress_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = open_progress_link(token)
    except ProgressLinkUnusable as exc:
        if exc.reason == "unknown" and guessing_too_much(request, "progress-link"):
            return _closed(request, TOO_MANY, 429)
        status, message = UNUSABLE[exc.reason]
        return _closed(request, message, status)
    progress = progress_for(link.client, via="progress link")
    if progress is None:
        # Sharing off revokes the links; this is the moment between, or a row changed by hand.
        return _closed(request, NOT_SHARED, 410)
    return render(request, "progress/page.html", {"progress": progress, "progress_page": True})


def _closed(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "progress/closed.html", {"message": message}, status=status)


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("client", args=[pk]) + "#progress")


@login_required
@require_POST
def sharing_set(request: MemberRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    choice = request.POST.get("sharing")
    if choice not in ("on", "off"):
        messages.error(request, "Choose whether to share the client's progress: on or off.")
        return _back(client.pk)
    set_sharing(client=client, enabled=choice == "on", by=request.user)
    if choice == "on":
        messages.success(request, "The client now sees their progress after sending forms.")
    else:
        messages.success(request, "Progress is no longer shared; every progress link is closed.")
    return _back(client.pk)


@login_required
@require_POST
def link_create(request: MemberRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    try:
        _link, token = create_progress_link(client=client, by=request.user)
    except SharingOff as exc:
        messages.error(request, exc.message.capitalize() + ".")
    else:
        keep_fresh_link(request, client, token)
    return _back(client.pk)


@login_required
@require_POST
def link_revoke(request: MemberRequest, pk: int, link_pk: int) -> HttpResponse:
    link = own_progress_link(request, link_pk)
    if link.client_id != pk:
        raise Http404
    client = link.client
    revoke_progress_link(link=link)
    messages.success(request, "The progress link was revoked: it no longer opens the page.")
    return _back(client.pk)
