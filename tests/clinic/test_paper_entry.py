"""Paper entry: a form the client filled on paper, typed in by the clinician (the SRS lines in
centimetres to one decimal, the rest as answered), scored and monitored like any other and
recorded as entered from paper by that clinician, in the audit trail too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from alliance.audit.models import AuditEvent
from alliance.care.models import Administration, Session, SignalRecord
from alliance.care.services.sessions import start_session

from ..cast import client_of, signed_in

pytestmark = pytest.mark.django_db

PLAN = {"every_session": ["srs", "phq-9"], "windows": [], "start": ["phq-9"]}


@pytest.fixture
def session(clinician: User) -> Session:
    return start_session(
        client=client_of(clinician, "PA-1", plan=PLAN), held_on=dt.date(2026, 3, 2)
    )


def srs_cm(*lines: str) -> dict[str, str]:
    return {f"srs-{n}": value for n, value in enumerate(lines, start=1)}


def test_the_session_page_offers_each_form_still_to_enter(
    session: Session, clinician: User
) -> None:
    page = signed_in(clinician).get(f"/sessions/{session.pk}/").content.decode()
    assert f'href="/sessions/{session.pk}/paper/srs/"' in page
    assert f'href="/sessions/{session.pk}/paper/phq-9/"' in page


def test_an_srs_entered_in_centimetres_is_scored_monitored_and_marked_as_paper(
    session: Session, clinician: User
) -> None:
    browser = signed_in(clinician)
    form = browser.get(f"/sessions/{session.pk}/paper/srs/").content.decode()
    assert "in centimetres to one decimal" in form and 'inputmode="decimal"' in form
    stored = browser.post(f"/sessions/{session.pk}/paper/srs/", srs_cm("3.1", "4,0", "2.9", "3"))
    assert (stored.status_code, stored["Location"]) == (302, f"/sessions/{session.pk}/")
    form_row = Administration.objects.get()
    assert (form_row.total, form_row.entered_by, form_row.entered_from) == (
        13.0,
        clinician,
        "paper",
    )
    assert form_row.respondent == "client"
    assert SignalRecord.objects.filter(kind="alliance_concern", session_number=1).exists()
    entry = AuditEvent.objects.get(object_type="administration", action="create")
    assert entry.detail == "entered from paper"
    # Stored: no longer offered, from paper or by link.
    page = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert f'href="/sessions/{session.pk}/paper/srs/"' not in page
    assert browser.get(f"/sessions/{session.pk}/paper/srs/").status_code == 404
    again = browser.post(f"/sessions/{session.pk}/paper/srs/", srs_cm("9", "9", "9", "9"),
                         follow=True)  # fmt: skip
    assert "a correction is the way to change one" in again.content.decode()
    assert Administration.objects.count() == 1


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "Relationship: enter the answer"),
        ("10.5", "Relationship: give centimetres from 0.0 to 10.0"),
        ("7.45", "Relationship: give centimetres from 0.0 to 10.0"),
        ("٣", "Relationship: give centimetres from 0.0 to 10.0"),
        ("-1", "Relationship: give centimetres from 0.0 to 10.0"),
    ],
)
def test_a_wrong_measurement_is_named_next_to_its_line_and_nothing_is_stored(
    session: Session, clinician: User, value: str, words: str
) -> None:
    refused = signed_in(clinician).post(
        f"/sessions/{session.pk}/paper/srs/", srs_cm(value, "9.0", "9.0", "9.0")
    )
    text = refused.content.decode()
    assert refused.status_code == 400
    assert words in text and 'id="srs-1-error"' in text and 'aria-invalid="true"' in text
    assert 'value="9.0"' in text  # the other lines kept
    assert not Administration.objects.exists()


def test_a_phq9_from_paper_raises_its_self_harm_signal(session: Session, clinician: User) -> None:
    answers = {f"phq-9-{n}": "1" for n in range(1, 9)} | {"phq-9-9": "2", "phq-9-10": "1"}
    signed_in(clinician).post(f"/sessions/{session.pk}/paper/phq-9/", answers)
    assert Administration.objects.get().score["answers"]["10"] == 1
    assert SignalRecord.objects.filter(kind="self_harm_risk", severity="urgent").exists()


def test_only_the_clients_clinician_enters_a_paper_form(
    session: Session, colleague: User, supervisor: User, outsider: User
) -> None:
    for someone in (colleague, supervisor, outsider):
        browser = signed_in(someone)
        assert browser.get(f"/sessions/{session.pk}/paper/srs/").status_code == 404
        refused = browser.post(f"/sessions/{session.pk}/paper/srs/", srs_cm("9", "9", "9", "9"))
        assert refused.status_code == 404
    assert not Administration.objects.exists()
