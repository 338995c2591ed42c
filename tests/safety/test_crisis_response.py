"""A self-harm answer is met with the organization's crisis resources, on the phone and at the
kiosk, whether the form was stored, refused for another answer or sent on a link that had
just closed; and the answer is never dropped with a refused form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import Administration, Client, FormLink, HeldSelfHarmAnswer, Session
from alliance.care.services.links import create_form_link
from alliance.care.services.sessions import start_session
from alliance.safety.models import CrisisResources
from alliance.safety.services import GENERAL_MESSAGE

from ..cast import client_of, signed_in_with_password

pytestmark = pytest.mark.django_db

PLAN = {"every_session": ["phq-9"], "windows": []}


def phq9_post(item9: int, *, leave_out: str | None = None) -> dict[str, str]:
    answers = {f"phq-9-{n}": "1" for n in range(1, 9)} | {"phq-9-9": str(item9)}
    if leave_out:
        del answers[f"phq-9-{leave_out}"]
    return answers


@pytest.fixture
def resources(organization: Any) -> CrisisResources:
    return CrisisResources.objects.create(
        organization=organization,
        message="Call us or the crisis line if you might act on these thoughts.",
        phones=[{"label": "Crisis line", "number": "0800 123 456"}],
        response_time="within one working day",
        duty_contact_email="duty@example.org",
    )


@pytest.fixture
def session(clinician: User) -> Session:
    client = client_of(clinician, "C-9", plan=PLAN)
    return start_session(client=client, held_on=dt.date(2026, 3, 2))


@pytest.fixture
def token(session: Session) -> str:
    return create_form_link(session=session, instruments=["phq-9"])[1]


def test_it_shows_the_crisis_resources_after_a_self_harm_answer(
    resources: CrisisResources, token: str
) -> None:
    page = Browser().post(f"/f/{token}/", phq9_post(2))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Thank you for telling us" in text and "You can close this page" not in text
    assert resources.message in text
    assert 'href="tel:0800123456"' in text and "Crisis line: " in text
    assert "Your therapist will see your answers within one working day" in text


def test_it_thanks_without_the_crisis_resources_when_no_self_harm_answer(
    resources: CrisisResources, token: str
) -> None:
    text = Browser().post(f"/f/{token}/", phq9_post(0)).content.decode()
    assert "You can close this page" in text
    assert resources.message not in text and "tel:" not in text


def test_it_shows_general_advice_until_the_organization_sets_its_own(token: str) -> None:
    text = Browser().post(f"/f/{token}/", phq9_post(1)).content.decode()
    assert GENERAL_MESSAGE in text
    assert "Your therapist will see your answers as soon as they can" in text


def test_it_keeps_a_self_harm_answer_from_a_form_refused_for_another_answer(
    resources: CrisisResources, token: str, session: Session
) -> None:
    refused = Browser().post(f"/f/{token}/", phq9_post(3, leave_out="4"))
    text = refused.content.decode()
    assert refused.status_code == 400
    assert resources.message in text  # where to get help, before the fix is even made
    assert not Administration.objects.filter(session=session).exists()  # nothing half-stored
    held = HeldSelfHarmAnswer.objects.get(session=session)
    assert (held.instrument, held.item, held.value, held.via) == ("phq-9", "9", 3, "link")
    client = Client.objects.get(pk=session.episode.client_id)
    assert (client.attention, client.headline_kind) == (0, "self_harm_risk")
    assert AuditEvent.objects.filter(object_type="heldselfharmanswer", action="create").exists()
    # A second refused try with a lower answer keeps one row, at the highest answer.
    Browser().post(f"/f/{token}/", phq9_post(1, leave_out="4"))
    assert list(HeldSelfHarmAnswer.objects.values_list("value", flat=True)) == [3]
    assert not FormLink.objects.get(session=session).used_at  # the client can still send


def test_it_holds_nothing_from_a_refused_form_without_a_self_harm_answer(
    resources: CrisisResources, token: str
) -> None:
    text = Browser().post(f"/f/{token}/", phq9_post(0, leave_out="4")).content.decode()
    assert resources.message not in text
    assert not HeldSelfHarmAnswer.objects.exists()


def test_it_keeps_a_self_harm_answer_sent_on_a_link_that_has_just_expired(
    resources: CrisisResources, token: str, session: Session
) -> None:
    FormLink.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = Browser().post(f"/f/{token}/", phq9_post(2))
    assert page.status_code == 410
    text = page.content.decode()
    assert "expired" in text and resources.message in text
    assert HeldSelfHarmAnswer.objects.get(session=session).value == 2


def test_a_second_tap_still_shows_the_crisis_resources_without_holding_a_copy(
    resources: CrisisResources, token: str, session: Session
) -> None:
    Browser().post(f"/f/{token}/", phq9_post(2))
    again = Browser().post(f"/f/{token}/", phq9_post(2))
    assert again.status_code == 410 and resources.message in again.content.decode()
    # The stored form raised the safety signal: nothing is held beside it.
    assert not HeldSelfHarmAnswer.objects.exists()


def test_an_unknown_link_holds_nothing_and_shows_no_resources(resources: CrisisResources) -> None:
    page = Browser().post("/f/not-a-link/", phq9_post(2))
    assert page.status_code == 404 and resources.message not in page.content.decode()
    assert not HeldSelfHarmAnswer.objects.exists()


def test_the_kiosk_asks_the_client_to_tell_the_clinician_now(
    resources: CrisisResources, session: Session
) -> None:
    browser = signed_in_with_password(session.episode.client.clinician)
    assert browser.post(f"/sessions/{session.pk}/kiosk/").status_code == 302
    refused = browser.post("/kiosk/", phq9_post(2, leave_out="1")).content.decode()
    assert "Please tell your therapist now" in refused and resources.message in refused
    assert HeldSelfHarmAnswer.objects.get(session=session).via == "kiosk"
    assert browser.post("/kiosk/", phq9_post(2)).status_code == 302
    done = browser.get("/kiosk/").content.decode()
    assert "Please tell your therapist now" in done and 'href="tel:0800123456"' in done
    assert "Therapist: unlock this device" in done


def test_the_kiosk_thanks_plainly_without_a_self_harm_answer(
    resources: CrisisResources, session: Session
) -> None:
    browser = signed_in_with_password(session.episode.client.clinician)
    browser.post(f"/sessions/{session.pk}/kiosk/")
    browser.post("/kiosk/", phq9_post(0))
    done = browser.get("/kiosk/").content.decode()
    assert "hand the device back" in done and resources.message not in done
