"""The admin sets the organization's crisis resources (checked, nothing half-saved, audited);
the clinician records what was done about a held self-harm answer on the session page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from alliance.audit.models import AuditEvent
from alliance.care.models import Client, HeldSelfHarmAnswer, SignalAcknowledgement
from alliance.care.services.links import create_form_link, submit_forms
from alliance.care.services.sessions import start_session
from alliance.measures.urgent import UrgentAnswer
from alliance.safety.models import CrisisResources
from alliance.safety.services import crisis_for, hold_urgent_answers, parse_phones

from ..cast import client_of, phq9, signed_in

pytestmark = pytest.mark.django_db

GOOD = {
    "message": "If you might act on these thoughts, call the crisis line now.",
    "phones": "Crisis line: 0800 123 456\n\nEmergency: 112",
    "response_time": "within one working day",
    "duty_contact_email": "duty@example.org",
    "escalate_after_minutes": "45",
}


def test_only_the_admin_has_the_crisis_resources_page(
    admin: User, clinician: User, supervisor: User, outsider: User
) -> None:
    for someone in (clinician, supervisor, outsider):
        assert signed_in(someone).get("/crisis-resources/").status_code == 404, someone
        assert signed_in(someone).post("/crisis-resources/", GOOD).status_code == 404
    assert not CrisisResources.objects.exists()
    page = signed_in(admin).get("/crisis-resources/").content.decode()
    assert "Not set yet" in page


def test_the_admin_saves_crisis_resources_that_clients_then_see(
    admin: User, organization: Any
) -> None:
    saved = signed_in(admin).post("/crisis-resources/", GOOD)
    assert (saved.status_code, saved["Location"]) == (302, "/crisis-resources/")
    crisis = crisis_for(organization)
    assert crisis.configured and crisis.message == GOOD["message"]
    assert [(p.label, p.number, p.tel) for p in crisis.phones] == [
        ("Crisis line", "0800 123 456", "0800123456"), ("Emergency", "112", "112"),
    ]  # fmt: skip
    stored = CrisisResources.objects.get()
    assert (stored.escalate_after_minutes, stored.duty_contact_email) == (45, "duty@example.org")
    assert AuditEvent.objects.filter(object_type="crisisresources", action="create").exists()
    page = signed_in(admin).get("/crisis-resources/").content.decode()
    assert "Crisis line: 0800 123 456" in page and "Not set yet" not in page


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("message", "  ", "write what a client in crisis should do"),
        ("phones", "Crisis line 0800 123 456", "line 1: write it as “Name: number”"),
        ("phones", "Crisis line: call us", "line 1: write it as “Name: number”"),
        ("response_time", "", "say when the clinician sees the answers"),
        ("duty_contact_email", "duty at example", "that is not an email address"),
        ("escalate_after_minutes", "soon", "a whole number of minutes from 5 to 10080"),
        ("escalate_after_minutes", "2", "a whole number of minutes from 5 to 10080"),
    ],
)
def test_a_wrong_field_is_named_next_to_it_and_nothing_is_saved(
    admin: User, field: str, value: str, words: str
) -> None:
    refused = signed_in(admin).post("/crisis-resources/", GOOD | {field: value})
    text = refused.content.decode()
    assert refused.status_code == 400
    assert f'<p class="error" id="{field}-error">' in text and words in text
    assert f'id="{field}" ' in text and 'aria-invalid="true"' in text
    assert not CrisisResources.objects.exists()


def test_phone_lines_keep_the_name_before_the_last_colon() -> None:
    assert parse_phones("Line: night: +44 (20) 7946-0000") == [
        {"label": "Line: night", "number": "+44 (20) 7946-0000"}
    ]


@pytest.fixture
def held(clinician: User) -> HeldSelfHarmAnswer:
    client = client_of(clinician, "H-1", plan={"every_session": ["phq-9"], "windows": []})
    session = start_session(client=client, held_on=dt.date(2026, 3, 2))
    [row] = hold_urgent_answers(
        session=session, found=[UrgentAnswer("phq-9", "self_harm_risk", "9", 2)], via="link"
    )
    return row


def test_the_session_page_shows_a_held_answer_until_a_note_says_what_was_done(
    held: HeldSelfHarmAnswer, clinician: User
) -> None:
    browser = signed_in(clinician)
    page = browser.get(f"/sessions/{held.session_id}/").content.decode()
    assert "the client answered the self-harm question (More than half the days)" in page
    no_note = browser.post(f"/held-answers/{held.pk}/acknowledge/", {"action": "safety"})
    assert no_note.status_code == 302 and not SignalAcknowledgement.objects.exists()
    assert "a safety answer needs a note" in browser.get(no_note["Location"]).content.decode()
    done = browser.post(
        f"/held-answers/{held.pk}/acknowledge/", {"action": "safety", "note": "Risk assessed."}
    )
    assert done.status_code == 302
    ack = SignalAcknowledgement.objects.get()
    assert (ack.kind, ack.session_number, ack.note) == ("self_harm_risk", 1, "Risk assessed.")
    page = browser.get(f"/sessions/{held.session_id}/").content.decode()
    assert "the client answered the self-harm question" not in page
    client = Client.objects.get(code="H-1")
    assert client.attention == 2  # no longer heads the caseload


def test_no_one_else_records_a_note_on_a_held_answer(
    held: HeldSelfHarmAnswer, colleague: User, supervisor: User, outsider: User
) -> None:
    for someone in (colleague, supervisor, outsider):
        refused = signed_in(someone).post(
            f"/held-answers/{held.pk}/acknowledge/", {"action": "safety", "note": "x"}
        )
        assert refused.status_code == 404, someone.username
    assert not SignalAcknowledgement.objects.exists()


def test_the_client_page_points_to_an_open_held_answer(
    held: HeldSelfHarmAnswer, clinician: User, supervisor: User
) -> None:
    page = signed_in(clinician).get(f"/clients/{held.session.episode.client_id}/")
    text = page.content.decode()
    assert "a self-harm answer (More than half the days) at session 1" in text
    assert f'href="/sessions/{held.session_id}/#held{held.pk}"' in text
    read_only = signed_in(supervisor).get(f"/clients/{held.session.episode.client_id}/")
    assert "a self-harm answer (More than half the days)" in read_only.content.decode()
    assert f"#held{held.pk}" not in read_only.content.decode()


def test_a_form_sent_complete_later_carries_the_held_answer(
    held: HeldSelfHarmAnswer, clinician: User
) -> None:
    session = held.session
    _link, token = create_form_link(session=session, instruments=["phq-9"])
    submit_forms(token=token, forms={"phq-9": phq9(2)})
    page = signed_in(clinician).get(f"/sessions/{session.pk}/").content.decode()
    assert "on a form that was not sent complete" not in page
    client = Client.objects.get(pk=session.episode.client_id)
    assert (client.attention, client.headline_kind) == (0, "self_harm_risk")  # the signal's
