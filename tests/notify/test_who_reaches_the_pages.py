"""Who reaches the notification pages: every signed-in member their own Email page; only the
organization's admin the list of notifications that reached no one and its Send again;
everyone else a 404 (not a 403 that would confirm it exists); no one signed out."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from alliance.care.models import Client, Organization
from alliance.notify.models import Notification

from ..cast import member, signed_in


@pytest.fixture
def notification(client_with_history: Client) -> Notification:
    """An undeliverable duty notification of H-1's session 3."""
    now = timezone.now()
    return Notification.objects.create(
        session=client_with_history.episodes.get().sessions.get(number=3),
        kind="self_harm_risk", cause="signal", recipient="duty", status="undeliverable",
        raised_at=now, due_at=now, next_attempt_at=now,
    )  # fmt: skip


@pytest.fixture
def people(
    clinician: User, colleague: User, supervisor: User, admin: User, outsider: User
) -> dict[str, User]:
    other_admin = member("admin2", Organization.objects.get(slug="elsewhere"), "admin")
    return {"owner": clinician, "colleague": colleague, "supervisor": supervisor,
            "admin": admin, "outsider": outsider, "other_admin": other_admin}  # fmt: skip


def answers(people: dict[str, User], method: str, path: str) -> dict[str, int]:
    found = {}
    for role, user in people.items():  # loop checked: people has six members
        browser = signed_in(user)
        found[role] = (browser.post(path) if method == "post" else browser.get(path)).status_code
    return found


def test_every_member_reaches_their_email_page(people: dict[str, User]) -> None:
    assert set(answers(people, "get", "/account/email/").values()) == {200}


def test_only_the_organizations_admin_sees_what_reached_no_one(
    people: dict[str, User], notification: Notification
) -> None:
    assert answers(people, "get", "/notifications/") == {
        "owner": 404, "colleague": 404, "supervisor": 404, "admin": 200, "outsider": 404,
        "other_admin": 200,  # their own organization's list, without Org's
    }  # fmt: skip
    other = signed_in(people["other_admin"]).get("/notifications/").content
    assert b"Send again" not in other and b"clinician1" not in other


def test_only_the_organizations_admin_sends_one_again(
    people: dict[str, User], notification: Notification
) -> None:
    assert answers(people, "post", f"/notifications/{notification.pk}/send-again/") == {
        "owner": 404, "colleague": 404, "supervisor": 404, "admin": 302, "outsider": 404,
        "other_admin": 404,
    }  # fmt: skip


def test_no_one_signed_out_reaches_them(client: object, notification: Notification) -> None:
    for path in ("/account/email/", "/notifications/"):  # loop checked: a literal of two
        response = client.get(path)  # type: ignore[attr-defined]
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    response = client.post(f"/notifications/{notification.pk}/send-again/")  # type: ignore[attr-defined]
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    notification.refresh_from_db()
    assert notification.status == "undeliverable"
