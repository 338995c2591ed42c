"""A self-harm answer emails the client's clinician once the form's transaction commits,
with a link to the session and nothing clinical; a rolled-back form sends nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from alliance.audit.models import AuditEvent
from alliance.care.models import Session
from alliance.notify.models import Notification

from ..cast import client_of, phq9
from .conftest import CLINICIAN_EMAIL, store_self_harm_answer

pytestmark = pytest.mark.usefixtures("immediate_jobs")


def test_it_emails_the_clinician_when_the_form_commits(
    session_today: Session, committed: Callable[[Session], Any], settings: Any
) -> None:
    settings.BASE_URL = "https://clinic.example.org"
    committed(session_today)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [CLINICIAN_EMAIL]
    assert message.subject == "Alliance Monitor: an urgent signal needs you"
    assert f"https://clinic.example.org/sessions/{session_today.pk}/" in message.body
    sent = Notification.objects.get(session=session_today, recipient="clinician")
    assert (sent.status, sent.attempts, sent.address, sent.kind, sent.cause) == (
        "sent",
        1,
        CLINICIAN_EMAIL,
        "self_harm_risk",
        "signal",
    )
    assert sent.signal is not None and sent.signal.kind == "self_harm_risk"


def test_the_email_carries_nothing_clinical(
    session_today: Session, committed: Callable[[Session], Any]
) -> None:
    committed(session_today)
    message = mail.outbox[0]
    link = f"http://localhost:8000/sessions/{session_today.pk}/"
    text = (message.subject + "\n" + message.body).replace(link, "<link>")
    assert "<link>" in text
    for word in ("N-1", "phq", "PHQ", "self-harm", "harm", "score", "answer", "item"):
        assert word not in text, word
    assert not re.search(r"\d", text)  # no score, no answer, no session number


def test_nothing_is_sent_or_kept_for_a_rolled_back_form(
    session_today: Session, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        store_self_harm_answer(session_today)
        assert Notification.objects.filter(session=session_today).count() == 2
        raise RuntimeError("the rest of the request failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_nothing_is_sent_before_the_commit(session_today: Session) -> None:
    # pytest-django's test transaction never commits: the job waits for a commit.
    store_self_harm_answer(session_today)
    assert mail.outbox == []
    assert Notification.objects.get(session=session_today, recipient="clinician").status == (
        "pending"
    )


def test_no_answer_of_self_harm_sends_nothing(
    session_today: Session, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        store_self_harm_answer(session_today, item9=0)
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_an_imported_history_is_not_news_to_email(
    reachable_clinician: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # Sessions held weeks ago (the cast's dates): the caseload heads with the signal, but no
    # one is emailed about an old session.
    with django_capture_on_commit_callbacks(execute=True):
        client_of(reachable_clinician, "OLD-1", [(1, "phq-9", phq9(3))])
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_sending_is_in_the_audit_trail_without_the_message(
    session_today: Session, committed: Callable[[Session], Any]
) -> None:
    committed(session_today)
    entry = AuditEvent.objects.get(object_type="notification")
    assert (entry.action, entry.detail, entry.fields) == ("update", "clinician email sent",
                                                          ["status"])  # fmt: skip
    assert entry.client_id_at_time == session_today.episode.client_id
    assert CLINICIAN_EMAIL not in entry.detail
