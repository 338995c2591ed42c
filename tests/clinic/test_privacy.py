"""A client's whole record out as JSON, and erasure that leaves the audit trail without
clinical content; only the owning clinician may do either."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth.models import User

from alliance.audit.models import AuditEvent
from alliance.audit.trail import verify_chain
from alliance.care.models import Administration, Client, Rupture, Session, SignalRecord
from alliance.care.services.administrations import record_administration
from alliance.care.services.privacy import export_client
from alliance.care.services.ruptures import record_rupture
from alliance.care.services.sessions import start_session
from alliance.measures.urgent import UrgentAnswer
from alliance.progress.sharing import create_progress_link, set_sharing
from alliance.safety.services import hold_urgent_answers

from ..cast import client_of, phq9, signed_in, srs

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_record(clinician: User) -> Client:
    client = client_of(clinician, "E-1", [(1, "srs", srs(9.5)), (2, "srs", srs(7.0)),
                                          (2, "phq-9", phq9(1))])  # fmt: skip
    episode = client.episodes.get()
    record_rupture(episode=episode, session_number=2, rupture_type="withdrawal",
                   noticed_via="scores", description="went quiet", user=clinician)  # fmt: skip
    mistaken = Administration.objects.filter(instrument="srs").order_by("id").first()
    assert mistaken is not None
    record_administration(session=mistaken.session, instrument="srs", amends=mistaken,
                          answers=srs(9.6), reason="slip")  # fmt: skip
    return client


def test_the_export_holds_the_whole_record(client_record: Client) -> None:
    browser = signed_in(client_record.clinician)
    response = browser.get(f"/clients/{client_record.pk}/export.json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["client"]["code"] == "E-1" and len(data["sessions"]) == 2
    assert len(data["administrations"]) == 4  # the correction beside the original
    assert {a["amendment_reason"] for a in data["administrations"]} == {"", "slip"}
    assert data["ruptures"][0]["description"] == "went quiet"
    assert any(s["kind"] == "self_harm_risk" for s in data["signals"])
    assert "token" not in json.dumps(data["links"])
    assert (data["held_answers"], data["progress_sharing"], data["progress_links"]) == ([], [], [])
    assert AuditEvent.objects.filter(action="export", client_id_at_time=client_record.pk).exists()


def test_the_export_holds_a_held_answer_and_the_progress_sharing(clinician: User) -> None:
    client = client_of(clinician, "E-2")
    session = start_session(client=client, held_on=dt.date(2026, 3, 2))
    hold_urgent_answers(session=session, found=[UrgentAnswer("phq-9", "self_harm_risk", "9", 3)],
                        via="kiosk")  # fmt: skip
    set_sharing(client=client, enabled=True, by=clinician)
    create_progress_link(client=client, by=clinician)
    data = export_client(client)
    assert [(h["item"], h["value"], h["via"]) for h in data["held_answers"]] == [("9", 3, "kiosk")]
    assert [s["enabled"] for s in data["progress_sharing"]] == [True]
    assert len(data["progress_links"]) == 1 and "token" not in json.dumps(data["progress_links"])


def test_erasure_needs_the_code_and_then_removes_everything_but_the_trail(
    client_record: Client,
) -> None:
    browser = signed_in(client_record.clinician)
    url = f"/clients/{client_record.pk}/erase/"
    page = browser.post(url, {"confirm": "E-2"}, follow=True).content.decode()
    assert "type the client&#x27;s code exactly" in page and Client.objects.exists()
    browser.post(url, {"confirm": "E-1"})
    for model in (Client, Session, Administration, SignalRecord, Rupture):
        assert not model.objects.exists(), model
    erased = AuditEvent.objects.get(action="erase")
    assert erased.client_id_at_time == client_record.pk and erased.username == "clinician1"
    trail = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "E-1" not in trail and "went quiet" not in trail  # no clinical content kept
    assert verify_chain().intact


def test_only_the_owning_clinician_may_export_or_erase(
    client_record: Client, colleague: User, supervisor: User, admin: User, outsider: User
) -> None:
    for someone in (colleague, supervisor, admin, outsider):
        other = signed_in(someone)
        assert other.get(f"/clients/{client_record.pk}/export.json").status_code == 404
        erase = other.post(f"/clients/{client_record.pk}/erase/", {"confirm": "E-1"})
        assert erase.status_code == 404, someone.username
    assert Client.objects.filter(pk=client_record.pk).exists()
