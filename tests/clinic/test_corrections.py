"""Correcting a stored form from the session page: the original stays as it was, the
correction is linked with its reason and who entered it, and the signals follow it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Administration, SignalRecord
from alliance.care.services.administrations import record_administration
from alliance.care.services.sessions import start_session

from ..cast import client_of, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(clinician: User) -> Administration:
    client = client_of(clinician, "F-1")
    session = start_session(client=client, held_on=dt.date(2026, 3, 2))
    # Typed in from paper with a slip: 3.0 instead of 9.0 on the third line.
    return record_administration(session=session, instrument="srs",
                                 answers={"1": 9.5, "2": 9.0, "3": 3.0, "4": 9.2})  # fmt: skip


def test_a_correction_is_stored_beside_the_original(stored: Administration) -> None:
    user = stored.session.episode.client.clinician
    browser = signed_in(user)
    assert SignalRecord.objects.filter(kind="alliance_concern").exists()
    page = browser.get(f"/sessions/{stored.session_id}/").content.decode()
    assert f'href="/forms/{stored.pk}/correct/"' in page
    form = browser.get(f"/forms/{stored.pk}/correct/").content.decode()
    assert 'name="srs-3" value="3"' in form and 'name="srs-1" value="9.5"' in form
    answers = {"srs-1": "9.5", "srs-2": "9.0", "srs-3": "9.0", "srs-4": "9.2"}
    refused = browser.post(f"/forms/{stored.pk}/correct/", answers)
    assert (
        refused.status_code == 400 and "say why the form is corrected" in refused.content.decode()
    )
    assert Administration.objects.count() == 1
    done = browser.post(f"/forms/{stored.pk}/correct/", answers | {"reason": "typing slip"})
    assert done["Location"] == f"/sessions/{stored.session_id}/"
    original, correction = Administration.objects.order_by("id")
    assert (original.total, correction.total) == (30.7, 36.7)
    assert correction.amends == original and correction.entered_by == user
    assert correction.amendment_reason == "typing slip"
    assert not SignalRecord.objects.in_force().filter(kind="alliance_concern").exists()  # 36.7 > 36
    page = browser.get(f"/sessions/{stored.session_id}/").content.decode()
    assert "SRS 36.7" in page and "(corrected: typing slip)" in page and "SRS 30.7" not in page
    # The original can no longer be corrected: only the latest version.
    assert browser.get(f"/forms/{original.pk}/correct/").status_code == 404


def test_a_bad_correction_stores_nothing(stored: Administration) -> None:
    browser = signed_in(stored.session.episode.client.clinician)
    bad = {"srs-1": "11", "srs-2": "9.0", "srs-3": "x", "srs-4": "9.2", "reason": "slip"}
    page = browser.post(f"/forms/{stored.pk}/correct/", bad)
    text = page.content.decode()
    assert page.status_code == 400 and "Nothing was stored" in text
    assert "item 1" in text and "item 3" in text
    assert Administration.objects.count() == 1


def test_no_one_else_may_correct(
    stored: Administration, colleague: User, supervisor: User, outsider: User
) -> None:
    answers = {"srs-1": "9.5", "srs-2": "9.0", "srs-3": "9.0", "srs-4": "9.2", "reason": "x"}
    for someone in (colleague, supervisor, outsider):
        other = signed_in(someone)
        assert other.get(f"/forms/{stored.pk}/correct/").status_code == 404, someone.username
        assert other.post(f"/forms/{stored.pk}/correct/", answers).status_code == 404
    assert Administration.objects.count() == 1
