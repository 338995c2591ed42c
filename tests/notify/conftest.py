"""What the notification tests share: clinician1 with an email address, a client whose
session is held today, a PHQ-9 with a self-harm answer stored at it, and jobs run at once.

`immediate_jobs`: queued jobs run as they are queued (Django's immediate backend), so an
email is in the outbox as soon as the transaction that raised the signal commits; a job
queued to run later is then never queued (that backend cannot defer), and the escalation is
left to what the tests drive with a clock: `deliver(..., now=...)` and `sweep(now=...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Administration, Client, Organization, Session
from alliance.care.services.administrations import record_administration
from alliance.care.services.sessions import start_session
from alliance.safety.models import CrisisResources

from ..cast import client_of, phq9

CLINICIAN_EMAIL = "clinician1@example.org"
DUTY_EMAIL = "duty.officer@example.org"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate_jobs(settings: Any) -> Iterator[None]:
    settings.TASKS = IMMEDIATE
    yield


@pytest.fixture
def reachable_clinician(clinician: User) -> User:
    """clinician1, with an email address set."""
    clinician.email = CLINICIAN_EMAIL
    clinician.save(update_fields=["email"])
    return clinician


@pytest.fixture
def new_client(reachable_clinician: User) -> Client:
    """N-1, a client of clinician1 with an open episode and no forms yet."""
    return client_of(reachable_clinician, "N-1")


@pytest.fixture
def session_today(new_client: Client) -> Session:
    return start_session(client=new_client)


@pytest.fixture
def duty_contact(organization: Organization) -> CrisisResources:
    """Org's crisis resources: a duty contact told after 30 minutes."""
    return CrisisResources.objects.create(
        organization=organization, message="Call us.", response_time="within a day",
        duty_contact_email=DUTY_EMAIL, escalate_after_minutes=30,
    )  # fmt: skip


def store_self_harm_answer(session: Session, item9: int = 2) -> Administration:
    """A PHQ-9 with item 9 at `item9` stored at `session` (its signals refreshed)."""
    return record_administration(session=session, instrument="phq-9", answers=phq9(item9))


@pytest.fixture
def committed(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> Callable[[Session], Administration]:
    """Store a self-harm answer and run what waits for the commit (as a real commit does)."""

    def store(session: Session) -> Administration:
        with django_capture_on_commit_callbacks(execute=True):
            return store_self_harm_answer(session)

    return store
