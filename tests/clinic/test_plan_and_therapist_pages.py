"""Editing the measure plan from the client page, and the therapist's own WAI-SR on the
session page, stored whole or not at all, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Administration, Client
from alliance.care.services.sessions import start_session

from ..cast import client_of, signed_in

pytestmark = pytest.mark.django_db
WAI_T = {f"wai-sr-t-{n}": "4" for n in range(1, 13)}


@pytest.fixture
def client_record(clinician: User) -> Client:
    return client_of(clinician, "T-3", started_on=dt.date(2026, 1, 5))


def test_the_clinician_edits_the_plan_and_sees_the_therapist_form_when_due(
    client_record: Client,
) -> None:
    browser = signed_in(client_record.clinician)
    plan = {"every_session": ["srs", "ors"], "wai_windows": "1-2", "therapist_wai": "on"}
    response = browser.post(f"/clients/{client_record.pk}/plan/", plan, follow=True)
    assert "Measure plan saved." in response.content.decode()
    session = start_session(client=client_record)
    page = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert "Your form" in page and 'name="wai-sr-t-12"' in page
    assert ">SRS<" in page and ">ORS<" in page and ">WAI-SR<" in page and "WAI-SR-T<" not in page


def test_a_bad_plan_is_refused_with_the_reason(client_record: Client) -> None:
    browser = signed_in(client_record.clinician)
    bad = {"every_session": ["srs"], "wai_windows": "3 to 4"}
    page = browser.post(f"/clients/{client_record.pk}/plan/", bad, follow=True).content.decode()
    assert "is not" in page and "written like 3-4" in page
    assert client_record.episodes.get().measure_plan.every_session == ("srs", "phq-9", "gad-7")


def test_the_therapist_form_is_stored_whole_once(client_record: Client) -> None:
    browser = signed_in(client_record.clinician)
    plan = {"every_session": ["srs"], "wai_windows": "1", "therapist_wai": "on"}
    browser.post(f"/clients/{client_record.pk}/plan/", plan)
    session = start_session(client=client_record)
    url = f"/sessions/{session.pk}/therapist-forms/"
    partial = browser.post(url, {k: v for k, v in WAI_T.items() if k != "wai-sr-t-7"})
    assert partial.status_code == 400 and "Nothing was stored" in partial.content.decode()
    assert "item 7" in partial.content.decode() and not Administration.objects.exists()
    fields = WAI_T | {"submission_key": "abc123"}
    assert browser.post(url, fields).status_code == 302
    again = browser.post(url, fields, follow=True)  # a double tap stores nothing new
    assert "No form of yours is due" in again.content.decode()
    stored = Administration.objects.get()
    assert (stored.instrument, stored.respondent, stored.total) == ("wai-sr-t", "therapist", 48)
    page = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert 'wai-sr-t-1"' not in page  # filled: not offered again


def test_no_one_else_may_edit_the_plan_or_fill_the_therapist_form(
    client_record: Client, colleague: User, supervisor: User, outsider: User
) -> None:
    plan = {"every_session": ["srs"], "wai_windows": ""}
    session = start_session(client=client_record)
    for someone in (colleague, supervisor, outsider):
        other = signed_in(someone)
        assert other.post(f"/clients/{client_record.pk}/plan/", plan).status_code == 404
        answer = other.post(f"/sessions/{session.pk}/therapist-forms/", WAI_T)
        assert answer.status_code == 404, someone.username
    assert client_record.episodes.get().measure_plan.every_session == ("srs", "phq-9", "gad-7")
    assert not Administration.objects.exists()
