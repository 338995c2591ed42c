"""The clinician's own objects, fetched through their owner: anyone else's is a 404, not a
403 that would confirm it exists. Read-only access for supervisors and break-glass goes
through `care.services.access.visible_clients` instead."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from alliance.care.models import Client, Rupture, Session


def own_client(request: HttpRequest, pk: int) -> Client:
    return get_object_or_404(Client.objects.filter(clinician=request.user), pk=pk)


def own_session(request: HttpRequest, pk: int) -> Session:
    sessions = Session.objects.filter(episode__client__clinician=request.user)
    return get_object_or_404(sessions.select_related("episode__client"), pk=pk)


def own_rupture(request: HttpRequest, pk: int) -> Rupture:
    ruptures = Rupture.objects.filter(episode__client__clinician=request.user)
    return get_object_or_404(ruptures.select_related("episode"), pk=pk)
