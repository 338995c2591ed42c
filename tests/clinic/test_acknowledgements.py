"""Closing the loop: a safety signal stays at the top until the clinician records what was
done; every acknowledgement shows on the client's page with who and when."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser

from alliance.care.models import Client, SignalAcknowledgement, SignalRecord

from ..cast import client_of, phq9, signed_in, srs

pytestmark = pytest.mark.django_db


def test_a_safety_signal_stays_on_top_until_acted_on(clinician: User) -> None:
    client_of(clinician, "A-concern", [(1, "srs", srs(8.0)), (2, "srs", srs(8.0))])
    urgent = client_of(
        clinician, "B-harm", [(1, "phq-9", phq9(1)), (1, "srs", srs(9.8)), (2, "srs", srs(9.8))]
    )
    browser = signed_in(clinician)
    page = browser.get("/").content.decode()
    assert page.index("B-harm") < page.index("A-concern")  # raised at session 1, still on top
    assert "Safety: Self harm risk" in browser.get(f"/clients/{urgent.pk}/").content.decode()
    signal = SignalRecord.objects.get(kind="self_harm_risk")
    refused = browser.post(f"/signals/{signal.pk}/acknowledge/", {"action": "safety", "note": " "})
    assert refused.status_code == 302
    assert not SignalAcknowledgement.objects.exists()  # a safety signal needs a note
    note = "Asked directly; no plan or intent; <i>safety plan</i> agreed"
    browser.post(f"/signals/{signal.pk}/acknowledge/", {"action": "safety", "note": note})
    page = browser.get("/").content.decode()
    assert page.index("A-concern") < page.index("B-harm")
    chart = browser.get(f"/clients/{urgent.pk}/").content.decode()
    assert "Risk assessed / safety plan" in chart and "clinician1" in chart
    assert "&lt;i&gt;safety plan&lt;/i&gt;" in chart and "<i>safety plan</i>" not in chart
    assert "safety plan" in chart and "Safety: Self harm risk" not in chart  # banner gone


def test_no_one_else_can_act_on_a_clients_signal(
    client_with_history: Client, colleague: User, supervisor: User, outsider: User
) -> None:
    signal = SignalRecord.objects.get(kind="self_harm_risk")
    for someone in (colleague, supervisor, outsider):
        response = signed_in(someone).post(
            f"/signals/{signal.pk}/acknowledge/", {"action": "safety", "note": "x"}
        )
        assert response.status_code == 404, someone.username
    assert Browser().post(f"/signals/{signal.pk}/acknowledge/").status_code == 302  # to login
    assert not SignalAcknowledgement.objects.exists()
