"""The cast of test users, and small builders of what they are shown.

The fixtures in `tests/conftest.py` make the cast from `member`; a test asks for the people
it needs by name (`clinician`, `colleague`, `outsider`, `supervisor`, `admin`) and signs them
in with `signed_in` (or, where signing in with a password is the point, with
`signed_in_with_password` and `PASSWORD`). Clients and their stored forms come from
`client_of`, with answers from `srs` and `phq9`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client as Browser
from django.test import RequestFactory

from alliance.care.models import Client, Episode, Membership, Organization
from alliance.care.services.administrations import import_episode_forms
from alliance.measures import score

# Every cast member's password, for the tests that sign in with one (sign-in, lockout, the
# kiosk's unlock). Long enough for the password validators.
PASSWORD = "a long enough pass phrase"
# The day a client's episode starts; session n is held n weeks later.
DAY = dt.date(2026, 3, 2)
# The address a password sign-in comes from, as the audit trail records it.
ADDRESS = "203.0.113.9"

# (session number, instrument, answers)
Form = tuple[int, str, dict[str, Any]]


def member(username: str, organization: Organization, role: str) -> User:
    """An account with `PASSWORD` and one membership of `organization` in `role`."""
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Membership.objects.create(organization=organization, user=user, role=role)
    return user  # type: ignore[no-any-return]


def signed_in(user: Any) -> Browser:
    """A browser signed in as `user` (no password, no second factor: see conftest)."""
    browser = Browser()
    browser.force_login(user)
    return browser


def signed_in_with_password(user: Any, *, address: str = ADDRESS) -> Browser:
    """A browser signed in through the authentication backends with `PASSWORD`, from
    `address`: the way a person signs in, for tests of what signing in records."""
    browser = Browser(REMOTE_ADDR=address)
    signed = browser.login(
        request=RequestFactory().get("/"), username=user.username, password=PASSWORD
    )
    assert signed, f"{user.username} could not sign in with the cast's password"
    return browser


def srs(line: float) -> dict[str, float]:
    """SRS answers with every line at `line` (total 4 x `line` of 40)."""
    return {str(n): line for n in range(1, 5)}


def phq9(item9: int) -> dict[str, int]:
    """PHQ-9 answers: items 1-8 at 1, item 9 (thoughts of self-harm) at `item9`."""
    return {str(n): 1 for n in range(1, 9)} | {"9": item9}


def client_of(
    clinician: Any,
    code: str,
    forms: Iterable[Form] = (),
    *,
    started_on: dt.date = DAY,
    plan: dict[str, Any] | None = None,
) -> Client:
    """A client of `clinician` in the clinician's organization, with an open episode
    (the default measure plan unless `plan`) and `forms` stored as an import."""
    organization = clinician.memberships.get().organization
    client = Client.objects.create(organization=organization, clinician=clinician, code=code)
    episode = Episode.objects.create(
        client=client, started_on=started_on, **({"measure_plan": plan} if plan else {})
    )
    scored = [
        (number, started_on + dt.timedelta(weeks=number), instrument, score(instrument, answers))
        for number, instrument, answers in forms
    ]
    if scored:
        import_episode_forms(episode=episode, forms=scored)
    return client
