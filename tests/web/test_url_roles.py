"""Every URL of the project, for every kind of visitor, answers as classified here.

Visitors: anonymous; a client-link holder (no account, a valid link); the owning clinician;
another clinician of the same organization; the owner's supervisor; a supervisor who does
not supervise the owner; the organization's admin; a clinician of another organization.
A URL that nobody classified fails `test_every_url_is_classified`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from alliance.care.models import Client, Organization, Rupture
from alliance.care.services.admin import enrol_member
from alliance.care.services.links import create_form_link
from alliance.care.services.ruptures import record_rupture
from alliance.care.services.sessions import start_session
from alliance.measures.urgent import UrgentAnswer
from alliance.notify.models import Notification
from alliance.progress.sharing import create_progress_link, set_sharing
from alliance.safety.services import hold_urgent_answers

from ..cast import member, signed_in

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "link_holder", "owner", "other_clinician", "supervisor",
         "other_supervisor", "admin", "other_organization")  # fmt: skip
LOGIN = "login"  # a redirect to the sign-in page


@dataclass
class World:
    client: Client
    session_pk: int
    form_pk: int
    signal_pk: int
    rupture_pk: int
    link_pk: int
    token: str
    users: dict[str, Any]
    held_pk: int
    progress_link_pk: int
    progress_token: str
    notification_pk: int
    fresh_session_pk: int
    enrolment_token: str


@pytest.fixture
def world(
    organization: Organization,
    clinician: User,
    colleague: User,
    supervisor: User,
    admin: User,
    outsider: User,
    client_with_history: Client,
) -> World:
    """The cast by the part each plays here, and the owner's client H-1 at session 3 with a
    stored form, a signal, a rupture and an open client link."""
    # Not in the cast: a supervisor of Org who does not supervise the owner.
    other_supervisor = member("supervisor2", organization, "supervisor")
    people = {"owner": clinician, "other_clinician": colleague, "supervisor": supervisor,
              "other_supervisor": other_supervisor, "admin": admin,
              "other_organization": outsider}  # fmt: skip
    episode = client_with_history.episodes.get()
    session = episode.sessions.get(number=3)
    form = session.administrations.get(instrument="srs")
    rupture = record_rupture(episode=episode, session_number=3, rupture_type="unclear",
                             noticed_via="scores", user=clinician)  # fmt: skip
    link, token = create_form_link(session=session, instruments=["srs"])
    signal = episode.signals.first()
    assert signal is not None
    # A self-harm answer held from a refused form, at a session of its own.
    fresh = start_session(client=client_with_history)
    answer = UrgentAnswer("phq-9", "self_harm_risk", "9", 1)
    [held] = hold_urgent_answers(session=fresh, found=[answer], via="link")
    set_sharing(client=client_with_history, enabled=True, by=clinician)
    progress_link, progress_token = create_progress_link(client=client_with_history, by=clinician)
    now = timezone.now()
    notification = Notification.objects.create(
        session=session, kind="self_harm_risk", cause="signal", recipient="duty",
        status="undeliverable", raised_at=now, due_at=now, next_attempt_at=now,
    )  # fmt: skip
    # A member added but not yet enrolled, with their enrolment link.
    newcomer = enrol_member(organization=organization, username="newcomer", role="clinician",
                            by=admin)  # fmt: skip
    return World(
        client_with_history, session.pk, form.pk, signal.pk, rupture.pk, link.pk, token, people,
        held.pk, progress_link.pk, progress_token, notification.pk, fresh.pk, newcomer.token,
    )  # fmt: skip


# name -> (method, path builder, expected answer by role; "*" for every role not named).
# Answers: a status code, or LOGIN for a redirect to the sign-in page.
Expected = dict[str, int | str]
PRIVATE: Expected = {"anonymous": LOGIN, "link_holder": LOGIN}
OWNER_ONLY_POST: Expected = PRIVATE | {"owner": 302, "*": 404}
READERS: Expected = PRIVATE | {"owner": 200, "supervisor": 200, "*": 404}
ADMIN_ONLY: Expected = PRIVATE | {"admin": 200, "*": 404}
URLS: dict[str, tuple[str, Callable[[World], str], Expected]] = {
    "health": ("get", lambda w: "/health/", {"*": 200}),
    "login": ("get", lambda w: "/login/", {"*": 200}),
    "logout": ("post", lambda w: "/logout/", {"*": LOGIN}),  # signed out, to sign-in
    "two-factor-setup": ("get", lambda w: "/2fa/setup/", PRIVATE | {"*": 200}),
    "two-factor-verify": ("get", lambda w: "/2fa/", PRIVATE | {"*": 302}),  # to set-up first
    "respond": ("get", lambda w: f"/f/{w.token}/", {"*": 200}),  # the link is the key
    "kiosk": ("get", lambda w: "/kiosk/", PRIVATE | {"*": 302}),  # no kiosk open: home
    "kiosk-unlock": ("post", lambda w: "/kiosk/unlock/", PRIVATE | {"*": 302}),
    "audit": ("get", lambda w: "/audit/", ADMIN_ONLY),
    "audit-export": ("get", lambda w: "/audit/export.csv", ADMIN_ONLY),
    "audit-mine": ("get", lambda w: "/audit/mine/", PRIVATE | {"*": 200}),  # one's own trail
    "caseload": ("get", lambda w: "/", PRIVATE | {"*": 200}),
    "client": ("get", lambda w: f"/clients/{w.client.pk}/", READERS),
    "session-start": ("post", lambda w: f"/clients/{w.client.pk}/sessions/", OWNER_ONLY_POST),
    "session": ("get", lambda w: f"/sessions/{w.session_pk}/", PRIVATE | {"owner": 200, "*": 404}),
    "episode-plan": ("post", lambda w: f"/clients/{w.client.pk}/plan/", OWNER_ONLY_POST),
    "session-therapist-forms": (
        "post", lambda w: f"/sessions/{w.session_pk}/therapist-forms/", OWNER_ONLY_POST),
    "client-export": (
        "get", lambda w: f"/clients/{w.client.pk}/export.json", PRIVATE | {"owner": 200, "*": 404}),
    "client-erase": ("post", lambda w: f"/clients/{w.client.pk}/erase/", OWNER_ONLY_POST),
    "link-revoke": ("post", lambda w: f"/links/{w.link_pk}/revoke/", OWNER_ONLY_POST),
    "session-kiosk": ("post", lambda w: f"/sessions/{w.session_pk}/kiosk/", OWNER_ONLY_POST),
    "session-status": (
        "get", lambda w: f"/sessions/{w.session_pk}/status/", PRIVATE | {"owner": 200, "*": 404}),
    "signal-acknowledge": (
        "post", lambda w: f"/signals/{w.signal_pk}/acknowledge/", OWNER_ONLY_POST),
    "rupture-record": ("post", lambda w: f"/clients/{w.client.pk}/ruptures/", OWNER_ONLY_POST),
    "repair-step": ("post", lambda w: f"/ruptures/{w.rupture_pk}/steps/", OWNER_ONLY_POST),
    "rupture-outcome": ("post", lambda w: f"/ruptures/{w.rupture_pk}/outcome/", OWNER_ONLY_POST),
    "form-correct": (
        "get", lambda w: f"/forms/{w.form_pk}/correct/", PRIVATE | {"owner": 200, "*": 404}),
    "members": ("get", lambda w: "/members/", ADMIN_ONLY),
    "member-active": (
        "post", lambda w: f"/members/{w.users['owner'].pk}/active/",
        PRIVATE | {"admin": 302, "*": 404}),
    "member-supervises": (
        "post", lambda w: f"/members/{w.users['supervisor'].pk}/supervises/",
        PRIVATE | {"admin": 302, "*": 404}),
    "break-glass": ("get", lambda w: "/break-glass/", ADMIN_ONLY),
    "crisis-resources": ("get", lambda w: "/crisis-resources/", ADMIN_ONLY),
    "paper-form": (
        "get", lambda w: f"/sessions/{w.fresh_session_pk}/paper/srs/",
        PRIVATE | {"owner": 200, "*": 404}),
    "held-answer-acknowledge": (
        "post", lambda w: f"/held-answers/{w.held_pk}/acknowledge/", OWNER_ONLY_POST),
    # The progress link is the key, as the form link is.
    "progress-page": ("get", lambda w: f"/p/{w.progress_token}/", {"*": 200}),
    "progress-sharing": (
        "post", lambda w: f"/clients/{w.client.pk}/progress/sharing/", OWNER_ONLY_POST),
    "progress-link-create": (
        "post", lambda w: f"/clients/{w.client.pk}/progress/links/", OWNER_ONLY_POST),
    "progress-link-revoke": (
        "post", lambda w: f"/clients/{w.client.pk}/progress/links/{w.progress_link_pk}/revoke/",
        OWNER_ONLY_POST),
    "account-email": ("get", lambda w: "/account/email/", PRIVATE | {"*": 200}),
    "notification-problems": ("get", lambda w: "/notifications/", ADMIN_ONLY),
    # Episodes end and begin with the client's clinician; a client moves by the admin.
    "episode-discharge": (
        "get", lambda w: f"/clients/{w.client.pk}/discharge/", PRIVATE | {"owner": 200, "*": 404}),
    "episode-begin": ("post", lambda w: f"/clients/{w.client.pk}/episodes/", OWNER_ONLY_POST),
    "client-transfer": ("get", lambda w: "/clients/transfer/", ADMIN_ONLY),
    # The enrolment link is the key, as the form link is; the rest is the admin's, but for
    # one's own password. A clinician who chose a password gets no new link (302: refused).
    "enrol": ("get", lambda w: f"/enrol/{w.enrolment_token}/", {"*": 200}),
    "password-change": ("get", lambda w: "/account/password/", PRIVATE | {"*": 200}),
    "member-deactivate": (
        "get", lambda w: f"/members/{w.users['owner'].pk}/deactivate/", ADMIN_ONLY),
    "member-enrolment": (
        "post", lambda w: f"/members/{w.users['owner'].pk}/enrolment/",
        PRIVATE | {"admin": 302, "*": 404}),
    "member-unlock": (
        "post", lambda w: f"/members/{w.users['owner'].pk}/unlock/",
        PRIVATE | {"admin": 302, "*": 404}),
    "member-second-factor": (
        "post", lambda w: f"/members/{w.users['owner'].pk}/second-factor/",
        PRIVATE | {"admin": 302, "*": 404}),
    "notification-send-again": (
        "post", lambda w: f"/notifications/{w.notification_pk}/send-again/",
        PRIVATE | {"admin": 302, "*": 404}),
}  # fmt: skip


def url_names() -> set[str]:
    def walk(patterns: list[Any]) -> Any:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_url_is_classified() -> None:
    names = url_names()
    assert None not in names, "every URL pattern needs a name to be classified"
    assert names - set(URLS) == set(), "URLs nobody classified"
    assert set(URLS) - names == set(), "classified URLs that no longer exist"


def browser_for(role: str, world: World) -> Browser:
    browser = Browser(REMOTE_ADDR=f"192.0.2.{ROLES.index(role) + 1}")
    if role == "link_holder":
        browser.get(f"/f/{world.token}/")  # opened the link: still no account
    elif role != "anonymous":
        browser.force_login(world.users[role])
    return browser


@pytest.mark.parametrize("name", sorted(URLS))
def test_each_url_answers_each_visitor_as_classified(name: str, world: World) -> None:
    method, path_of, expected = URLS[name]
    answers = {}
    for role in ROLES:
        response = getattr(browser_for(role, world), method)(path_of(world))
        want = expected.get(role, expected.get("*"))
        got: int | str = response.status_code
        if got == 302 and response["Location"].startswith("/login/"):
            got = LOGIN
        answers[role] = got
        assert want is not None, f"{name}: {role} not classified"
    assert answers == {role: expected.get(role, expected.get("*")) for role in ROLES}, name
    # Nothing a visitor without the right did changed the record.
    assert Client.objects.filter(pk=world.client.pk).exists()
    assert Rupture.objects.filter(pk=world.rupture_pk).exists()


# Pages that answer without a second factor: public ones and the sign-out. (The check page
# sends someone with no factor yet to the set-up, as every other page does.)
WITHOUT_SECOND_FACTOR = {"health", "logout", "two-factor-setup", "respond", "progress-page",
                         "enrol"}  # fmt: skip


@pytest.mark.two_factor
@pytest.mark.parametrize("name", sorted(URLS))
def test_without_a_second_factor_every_staff_url_waits_for_it(name: str, world: World) -> None:
    method, path_of, _expected = URLS[name]
    for role in ("owner", "supervisor", "admin"):
        browser = signed_in(world.users[role])  # a password only
        response = getattr(browser, method)(path_of(world))
        location = response.get("Location", "")
        if name in WITHOUT_SECOND_FACTOR:
            assert not location.startswith("/2fa/setup/"), (name, role)
        else:
            assert response.status_code == 302 and location.startswith("/2fa/setup/"), (name, role)
