"""The client's forms by link: single use, expiring, whole or nothing, nothing about the
client on the page, and the clinician's page fed the moment they are stored."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django.utils import timezone

from alliance.care.models import Administration, Client, FormLink, SignalRecord
from alliance.care.services.due import due_instruments
from alliance.care.services.links import create_form_link, token_hash
from alliance.care.services.sessions import start_session

from ..cast import client_of, signed_in

pytestmark = pytest.mark.django_db

GOOD = {"srs-1": "9.5", "srs-2": "6.1", "srs-3": "9.0", "srs-4": "9.2"}
PHQ = {f"phq-9-{n}": "1" for n in range(1, 10)} | {"phq-9-9": "0", "phq-9-10": "1"}


@pytest.fixture
def client_record(clinician: User) -> Client:
    return client_of(clinician, "C-7")


def link_for(client_record: Client, instruments: list[str] | None = None) -> tuple[object, str]:
    session = start_session(client=client_record, held_on=dt.date(2026, 3, 2))
    _link, token = create_form_link(session=session, instruments=instruments or ["srs"])
    return session, token


def test_it_keeps_only_a_hash_of_a_long_random_token(client_record: Client) -> None:
    _session, token = link_for(client_record)
    assert len(token) >= 43  # 32 random bytes
    link = FormLink.objects.get()
    assert link.token_hash == token_hash(token) and token not in link.token_hash


def test_it_shows_the_forms_and_nothing_about_the_client(client_record: Client) -> None:
    _session, token = link_for(client_record, ["srs", "phq-9"])
    page = Browser().get(f"/f/{token}/")
    text = unescape(page.content.decode())
    assert page.status_code == 200
    assert "C-7" not in text and "clinician1" not in text
    assert 'role="slider"' in text and "Little interest or pleasure" in text
    # The SRS has no installed wording here: the client is told so in the client's words,
    # and the clinic's instruction to install the licensed wording stays off the page.
    assert "short descriptions, not the questionnaire's full wording" in text
    assert "Demonstration wording" not in text and "Install the licensed" not in text


def test_it_stores_every_form_once_and_uses_the_link_up(client_record: Client) -> None:
    _session, token = link_for(client_record, ["srs", "phq-9"])
    response = Browser().post(f"/f/{token}/", GOOD | PHQ)
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert sorted(Administration.objects.values_list("instrument", flat=True)) == ["phq-9", "srs"]
    again = Browser().post(f"/f/{token}/", GOOD | PHQ)  # a double tap or a retry
    assert again.status_code == 410 and "already been sent" in again.content.decode()
    assert Administration.objects.count() == 2
    assert SignalRecord.objects.filter(kind="alliance_concern").exists()  # 33.8 of 40


def test_it_stores_nothing_when_any_form_is_incomplete_or_tampered(client_record: Client) -> None:
    _session, token = link_for(client_record, ["srs", "phq-9"])
    tampered = GOOD | {"srs-3": "11"} | {k: v for k, v in PHQ.items() if k != "phq-9-4"}
    response = Browser().post(f"/f/{token}/", tampered)
    text = unescape(response.content.decode())
    assert response.status_code == 400
    # Every problem at once, each named by its question.
    assert "the line “Approach or method: the therapist's approach fits me” again" in text
    assert "Please answer: “Feeling tired or having little energy”" in text
    assert Administration.objects.count() == 0
    assert FormLink.objects.get().used_at is None  # the client can correct and send


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"expires_at": timezone.now() - dt.timedelta(seconds=1)}, 410, "expired"),
        ({"revoked_at": timezone.now()}, 410, "withdrawn"),
        ({"used_at": timezone.now()}, 410, "already been sent"),
    ],
)
def test_it_shows_a_clear_page_for_a_link_that_cannot_be_used(
    client_record: Client, change: dict[str, object], status: int, says: str
) -> None:
    _session, token = link_for(client_record)
    FormLink.objects.update(**change)
    for response in (Browser().get(f"/f/{token}/"), Browser().post(f"/f/{token}/", GOOD)):
        assert response.status_code == status and says in response.content.decode()
    assert Administration.objects.count() == 0


def test_it_does_not_know_a_made_up_link() -> None:
    response = Browser().get("/f/not-a-real-token/")
    assert response.status_code == 404 and "not known" in response.content.decode()


def test_it_lists_the_wai_sr_as_due_in_its_windows_only_until_given(
    client_record: Client,
) -> None:
    due = [due_instruments(start_session(client=client_record))["client"] for _ in range(4)]
    assert ["wai-sr" in d for d in due] == [False, False, True, True]
    session = client_record.episodes.get().sessions.get(number=3)
    wai = {f"wai-sr-{n}": "4" for n in range(1, 13)}
    _link, token = create_form_link(session=session, instruments=["wai-sr"])
    assert Browser().post(f"/f/{token}/", wai).status_code == 200
    fourth = client_record.episodes.get().sessions.get(number=4)
    assert "wai-sr" not in due_instruments(fourth)["client"]


def test_it_feeds_the_clinicians_session_page_and_no_one_elses(
    client_record: Client, clinician: User, colleague: User, supervisor: User, outsider: User
) -> None:
    session, token = link_for(client_record, ["srs", "phq-9"])
    browser = signed_in(clinician)
    assert browser.get(f"/sessions/{session.pk}/status/").json()["forms"] == []
    Browser().post(f"/f/{token}/", GOOD | PHQ | {"phq-9-9": "2"})
    status = browser.get(f"/sessions/{session.pk}/status/").json()
    assert [f["instrument"] for f in status["forms"]] == ["srs", "phq-9"]
    assert status["forms"][0]["lowest_items"] == ["2"]
    assert status["signals"][0]["kind"] == "self_harm_risk"  # urgent first
    for someone in (colleague, supervisor, outsider):
        other = signed_in(someone)
        assert other.get(f"/sessions/{session.pk}/status/").status_code == 404, someone.username
        assert other.get(f"/sessions/{session.pk}/").status_code == 404, someone.username


def test_it_shows_the_link_as_text_and_as_a_qr_code(client_record: Client, clinician: User) -> None:
    session = start_session(client=client_record)
    browser = signed_in(clinician)
    made = browser.post(f"/sessions/{session.pk}/")
    assert (made.status_code, made["Location"]) == (302, f"/sessions/{session.pk}/#forms")
    page = browser.get(made["Location"]).content.decode()
    assert 'class="client-link"' in page and "<svg" in page
    token = page.split("/f/")[1].split("/")[0]
    assert FormLink.objects.get().token_hash == token_hash(token)
    # Shown once: a reload shows neither the link nor makes another one.
    again = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert 'class="client-link"' not in again and token not in again
    assert FormLink.objects.count() == 1
