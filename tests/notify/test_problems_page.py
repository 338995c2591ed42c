"""The organization's admin sees every notification that reached no one (failed after every
attempt, undeliverable) or is waiting long past its time, and can send one again; no one else
sees the page, and it names no client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import Session
from alliance.notify.models import Notification

from ..cast import signed_in
from .conftest import CLINICIAN_EMAIL

PAGE = "/notifications/"
pytestmark = pytest.mark.usefixtures("immediate_jobs")


@pytest.fixture
def undeliverable(
    session_today: Session, committed: Callable[[Session], Any], reachable_clinician: User
) -> Notification:
    """clinician1's notification, undeliverable: no address was set when it was sent."""
    reachable_clinician.email = ""
    reachable_clinician.save(update_fields=["email"])
    committed(session_today)
    return Notification.objects.get(recipient="clinician", status="undeliverable")


def test_the_admin_sees_what_reached_no_one_without_the_client(
    undeliverable: Notification, admin: User
) -> None:
    Notification.objects.filter(recipient="duty").update(
        status="failed", attempts=4, address="duty@example.org", last_error="SMTPException: 550"
    )
    page = signed_in(admin).get(PAGE).content.decode()
    assert "The client&#x27;s clinician" in page and "Undeliverable: no address" in page
    assert "the clinician has no email address" in page
    assert "Failed after every attempt" in page and "SMTPException: 550" in page
    assert "clinician1" in page and "N-1" not in page
    assert page.count("Send again") == 2


def test_a_notification_waiting_long_past_its_time_is_shown_as_late(
    session_today: Session, admin: User, settings: Any
) -> None:
    from .conftest import store_self_harm_answer

    store_self_harm_answer(session_today)  # never committed: as with no worker running
    Notification.objects.filter(recipient="clinician").update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=11)
    )
    page = signed_in(admin).get(PAGE).content.decode()
    assert "late: waiting to be sent" in page
    assert "Send again" not in page


def test_the_admin_is_told_of_them_on_their_email_page(
    undeliverable: Notification, admin: User
) -> None:
    page = signed_in(admin).get("/account/email/").content.decode()
    assert "Notifications that reached no one: 1" in page


def test_no_one_but_the_admin_of_the_organization_sees_them(
    undeliverable: Notification, clinician: User, supervisor: User, outsider: User
) -> None:
    for member in (clinician, supervisor, outsider):  # loop checked: a literal of three
        assert signed_in(member).get(PAGE).status_code == 404
    assert (
        b"Notifications that reached no one"
        not in signed_in(clinician).get("/account/email/").content
    )


def test_sending_again_after_the_address_is_set_reaches_the_clinician(
    undeliverable: Notification, admin: User, reachable_clinician: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:  # fmt: skip
    reachable_clinician.email = CLINICIAN_EMAIL
    reachable_clinician.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(admin).post(f"{PAGE}{undeliverable.pk}/send-again/")
    assert (response.status_code, response["Location"]) == (302, PAGE)
    undeliverable.refresh_from_db()
    assert (undeliverable.status, undeliverable.attempts) == ("sent", 1)
    assert [m.to for m in mail.outbox] == [[CLINICIAN_EMAIL]]
    assert AuditEvent.objects.filter(detail="sent again by the admin").count() == 1


def test_another_organizations_admin_cannot_send_it_again(
    undeliverable: Notification, outsider: User
) -> None:
    from alliance.care.models import Membership

    Membership.objects.filter(user=outsider).update(role="admin")
    response = signed_in(outsider).post(f"{PAGE}{undeliverable.pk}/send-again/")
    assert response.status_code == 404
    undeliverable.refresh_from_db()
    assert undeliverable.status == "undeliverable"
