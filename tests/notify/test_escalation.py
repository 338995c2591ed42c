"""The duty contact is told when an urgent signal is still not acted on after the
organization's set time (an hour when it set none), and not before or once it was acted on;
with no one to tell, the escalation is recorded as undeliverable and logged. The clock is
the `now` the delivery and the sweep are given."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail

from alliance.care.models import Session, SignalAcknowledgement, SignalRecord
from alliance.care.services.acknowledgements import acknowledge_signal
from alliance.notify.delivery import deliver
from alliance.notify.models import Notification
from alliance.notify.services import alert_urgent
from alliance.notify.sweep import GRACE, sweep
from alliance.safety.models import CrisisResources

from .conftest import CLINICIAN_EMAIL, DUTY_EMAIL

pytestmark = pytest.mark.usefixtures("immediate_jobs")


def duty_notification(session: Session) -> Notification:
    return Notification.objects.get(session=session, recipient="duty")


def sent_to() -> list[list[str]]:
    return [message.to for message in mail.outbox]


@pytest.mark.usefixtures("duty_contact")
def test_it_is_not_escalated_before_the_set_time(
    session_today: Session, committed: Callable[[Session], Any]
) -> None:
    committed(session_today)
    duty = duty_notification(session_today)
    assert duty.due_at - duty.raised_at == dt.timedelta(minutes=30)
    before = duty.due_at - dt.timedelta(seconds=1)
    assert deliver(duty.pk, now=before).status == "not_due"
    sweep(now=before)
    assert sent_to() == [[CLINICIAN_EMAIL]]
    assert duty_notification(session_today).status == "pending"


@pytest.mark.usefixtures("duty_contact")
def test_it_is_escalated_after_the_set_time_when_not_acted_on(
    session_today: Session, committed: Callable[[Session], Any]
) -> None:
    committed(session_today)
    duty = duty_notification(session_today)
    assert deliver(duty.pk, now=duty.due_at).status == "sent"
    assert sent_to() == [[CLINICIAN_EMAIL], [DUTY_EMAIL]]
    body = mail.outbox[1].body
    assert "not been acted on 30 minutes after it was raised" in body
    assert "The client's clinician: clinician1" in body
    assert f"/sessions/{session_today.pk}/" in body and "N-1" not in body


@pytest.mark.usefixtures("duty_contact")
def test_the_sweep_escalates_when_the_queued_job_was_lost(
    session_today: Session, committed: Callable[[Session], Any]
) -> None:
    committed(session_today)
    duty = duty_notification(session_today)
    assert sweep(now=duty.due_at + GRACE) == {"sent": 1}
    assert sent_to() == [[CLINICIAN_EMAIL], [DUTY_EMAIL]]


@pytest.mark.usefixtures("duty_contact")
def test_it_is_not_escalated_once_acted_on(
    session_today: Session, committed: Callable[[Session], Any], reachable_clinician: User
) -> None:
    committed(session_today)
    signal = SignalRecord.objects.get(kind="self_harm_risk")
    acknowledge_signal(signal=signal, action="safety", note="Safety plan made.",
                       user=reachable_clinician)  # fmt: skip
    duty = duty_notification(session_today)
    assert deliver(duty.pk, now=duty.due_at + dt.timedelta(hours=5)).status == "not_needed"
    assert sent_to() == [[CLINICIAN_EMAIL]]
    assert duty_notification(session_today).last_error == "acted on before it was sent"


@pytest.mark.usefixtures("duty_contact")
def test_a_held_answer_is_acted_on_by_an_acknowledgement_of_self_harm_at_its_session(
    session_today: Session,
    reachable_clinician: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        alert_urgent(session=session_today, cause="held_answer")
    assert sent_to() == [[CLINICIAN_EMAIL]]
    SignalAcknowledgement.objects.create(
        episode=session_today.episode, session_number=session_today.number,
        kind="self_harm_risk", instrument="phq-9", action="no_action",
        note="Reviewed.", recorded_by=reachable_clinician,
    )  # fmt: skip
    duty = duty_notification(session_today)
    assert deliver(duty.pk, now=duty.due_at).status == "not_needed"
    assert sent_to() == [[CLINICIAN_EMAIL]]


def test_without_crisis_resources_it_is_due_after_an_hour_and_undeliverable_then(
    session_today: Session,
    committed: Callable[[Session], Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    committed(session_today)
    duty = duty_notification(session_today)
    assert duty.due_at - duty.raised_at == dt.timedelta(minutes=60)
    with caplog.at_level(logging.ERROR, logger="alliance.notify"):
        assert deliver(duty.pk, now=duty.due_at).status == "undeliverable"
    assert "undeliverable: no duty contact is set" in caplog.text
    assert duty_notification(session_today).last_error.startswith("no duty contact is set")
    assert sent_to() == [[CLINICIAN_EMAIL]]


def test_crisis_resources_without_a_duty_address_are_undeliverable_too(
    session_today: Session, committed: Callable[[Session], Any], organization: Any
) -> None:
    CrisisResources.objects.create(organization=organization, message="Call us.",
                                   response_time="today", escalate_after_minutes=5)  # fmt: skip
    committed(session_today)
    duty = duty_notification(session_today)
    assert duty.due_at - duty.raised_at == dt.timedelta(minutes=5)
    assert deliver(duty.pk, now=duty.due_at).status == "undeliverable"


@pytest.mark.usefixtures("duty_contact")
def test_a_clinician_without_an_address_is_undeliverable_and_the_escalation_still_runs(
    session_today: Session,
    committed: Callable[[Session], Any],
    reachable_clinician: User,
    caplog: pytest.LogCaptureFixture,
) -> None:
    reachable_clinician.email = ""
    reachable_clinician.save(update_fields=["email"])
    with caplog.at_level(logging.ERROR, logger="alliance.notify"):
        committed(session_today)
    clinician = Notification.objects.get(session=session_today, recipient="clinician")
    assert clinician.status == "undeliverable"
    assert "the clinician has no email address" in caplog.text
    duty = duty_notification(session_today)
    assert deliver(duty.pk, now=duty.due_at).status == "sent"
    assert sent_to() == [[DUTY_EMAIL]]


def test_a_deactivated_clinician_is_not_emailed(
    session_today: Session, committed: Callable[[Session], Any], reachable_clinician: User
) -> None:
    reachable_clinician.is_active = False
    reachable_clinician.save(update_fields=["is_active"])
    committed(session_today)
    clinician = Notification.objects.get(session=session_today, recipient="clinician")
    assert (clinician.status, clinician.last_error) == (
        "undeliverable",
        "the clinician's account is deactivated",
    )
    assert mail.outbox == []
