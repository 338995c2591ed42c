"""Thin views: fetch through the signed-in clinician, call a service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from alliance.care.models import Client
from alliance.care.services.caseload import clinician_caseload
from alliance.care.services.chart import client_chart


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    return render(request, "clinic/caseload.html", {"rows": clinician_caseload(request.user)})


@login_required
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Through the owner: another clinician's client is a 404, not a 403 that confirms it.
    client = get_object_or_404(Client.objects.filter(clinician=request.user), pk=pk)
    return render(request, "clinic/client.html", {"client": client, "chart": client_chart(client)})
