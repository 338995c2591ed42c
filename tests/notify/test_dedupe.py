"""One session, one email to each recipient: a second form, a recompute, the held-answer path
and a second commit at the same session send nothing more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from alliance.care.models import Session
from alliance.care.services.administrations import record_administration
from alliance.care.services.signals import refresh_signals
from alliance.notify.models import Notification
from alliance.notify.services import alert_urgent

from ..cast import srs
from .conftest import CLINICIAN_EMAIL, store_self_harm_answer

pytestmark = pytest.mark.usefixtures("immediate_jobs")


def test_another_form_and_a_recompute_send_nothing_more(
    session_today: Session,
    committed: Callable[[Session], Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    committed(session_today)
    with django_capture_on_commit_callbacks(execute=True):
        record_administration(session=session_today, instrument="srs", answers=srs(6.0))
        refresh_signals(session_today.episode, because="a recompute")
    assert [m.to for m in mail.outbox] == [[CLINICIAN_EMAIL]]
    assert Notification.objects.filter(session=session_today).count() == 2  # clinician, duty


def test_the_held_answer_path_after_the_signal_sends_nothing_more(
    session_today: Session,
    committed: Callable[[Session], Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    committed(session_today)
    with django_capture_on_commit_callbacks(execute=True):
        alert_urgent(session=session_today, cause="held_answer")
    assert len(mail.outbox) == 1


def test_the_signal_after_the_held_answer_path_sends_nothing_more(
    session_today: Session,
    committed: Callable[[Session], Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        alert_urgent(session=session_today, cause="held_answer")
    assert len(mail.outbox) == 1
    held = Notification.objects.get(session=session_today, recipient="clinician")
    assert (held.cause, held.signal, held.status) == ("held_answer", None, "sent")
    committed(session_today)
    assert len(mail.outbox) == 1


def test_a_job_run_twice_sends_once(
    session_today: Session, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # As when the queued job and the sweep both reach it, or a double commit queued two.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        store_self_harm_answer(session_today)
    assert len(callbacks) == 1
    callbacks[0]()
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_a_form_without_an_urgent_answer_at_a_notified_session_queues_nothing(
    session_today: Session,
    committed: Callable[[Session], Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    committed(session_today)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_administration(session=session_today, instrument="srs", answers=srs(9.0))
    assert callbacks == [] and len(mail.outbox) == 1
