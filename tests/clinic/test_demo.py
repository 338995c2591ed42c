"""`alliance demo`'s organization: the four logins and a living caseload."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from alliance.care.models import Client, Rupture, SignalAcknowledgement, SignalRecord
from alliance.care.services.demo import create_demo

pytestmark = pytest.mark.django_db


def test_it_creates_the_demo_caseload_once_with_every_kind_of_history() -> None:
    assert create_demo(password="demo-pass-9") == 80
    for username in ("clinician1", "clinician2", "supervisor", "admin"):
        assert (
            authenticate(RequestFactory().get("/"), username=username, password="demo-pass-9")
            is not None
        )
    assert Client.objects.filter(clinician__username="clinician1").count() == 40
    ruptures = SignalRecord.objects.filter(kind="possible_rupture")
    assert {r.evidence["repaired"] for r in ruptures} == {True, False}
    assert SignalRecord.objects.filter(kind="self_harm_risk").exists()
    assert SignalRecord.objects.filter(kind="reliable_deterioration").exists()
    # What the clinicians did about them: ruptures recorded, repaired or not.
    recorded = Rupture.objects.all()
    assert {r.outcome for r in recorded} >= {"resolved", "open"}
    assert all(r.steps.filter(step="noticed").exists() for r in recorded)
    assert all(r.steps.count() == 3 for r in recorded.filter(outcome="resolved"))
    assert SignalAcknowledgement.objects.filter(kind="alliance_concern").exists()
    assert not SignalAcknowledgement.objects.filter(kind="self_harm_risk").exists()
    # Run again with a new password: the same clients, the new password.
    assert create_demo(password="demo-pass-10") == 80
    assert (
        authenticate(RequestFactory().get("/"), username="clinician2", password="demo-pass-10")
        is not None
    )
    assert Client.objects.count() == 80
