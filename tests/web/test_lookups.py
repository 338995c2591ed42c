"""Every object a URL names comes through the one lookups module, scoped to the signed-in
clinician and the organization the request is served for: anyone else's is a 404.

People (the cast of conftest, by the part they play here): `owner`, clinician1, the clinician
of the client; `colleague`, a clinician of Org, who must reach nothing of the owner's;
`supervisor`, who supervises the owner and reads the client but owns nothing of it; `admin`,
who reads the client only by break-glass; `outsider`, a clinician of Elsewhere, who reaches
nothing; and, made here, `stranger`, a supervisor of Elsewhere whose supervision row names the
owner, which counts for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from alliance.care.models import Administration, Client, Membership, Organization, Supervision
from alliance.care.services.admin import break_glass
from alliance.care.services.administrations import record_administration
from alliance.care.services.links import create_form_link
from alliance.care.services.ruptures import record_rupture
from alliance.clinic import lookups
from alliance.web.membership import MembershipMiddleware

from ..cast import member, srs

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(
    clinician: User, colleague: User, supervisor: User, admin: User, outsider: User
) -> dict[str, Any]:
    elsewhere = outsider.memberships.get().organization
    # Not in the cast: a supervisor of Elsewhere whose supervision row names the owner.
    stranger = member("stranger", elsewhere, "supervisor")
    Supervision.objects.create(organization=elsewhere, supervisor=stranger, supervisee=clinician)
    return {"owner": clinician, "colleague": colleague, "supervisor": supervisor,
            "admin": admin, "outsider": outsider, "stranger": stranger}  # fmt: skip


@pytest.fixture
def record(people: dict[str, Any], client_with_history: Client) -> dict[str, int]:
    """The owner's client and one of each thing of it that a URL names, by lookup name."""
    episode = client_with_history.episodes.get()
    session = episode.sessions.get(number=3)
    form = session.administrations.get(instrument="srs")
    rupture = record_rupture(episode=episode, session_number=3, rupture_type="unclear",
                             noticed_via="scores", user=people["owner"])  # fmt: skip
    link, _token = create_form_link(session=session, instruments=["srs"])
    signal = episode.signals.first()
    assert signal is not None
    return {"own_client": client_with_history.pk, "own_session": session.pk,
            "own_rupture": rupture.pk, "own_link": link.pk, "own_signal": signal.pk,
            "own_administration": form.pk}  # fmt: skip


def request_of(user: Any) -> HttpRequest:
    """A request as the views get it: signed in, through the membership middleware."""
    request = RequestFactory().get("/")
    request.user = user
    MembershipMiddleware(lambda _request: HttpResponse())(request)
    return request


OWN = ("own_client", "own_session", "own_rupture", "own_link", "own_signal",
       "own_administration")  # fmt: skip


def lookup(name: str) -> Callable[[HttpRequest, int], Any]:
    return getattr(lookups, name)  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", OWN)
def test_it_gives_the_owner_their_own_object(
    name: str, people: dict[str, Any], record: dict[str, int]
) -> None:
    assert lookup(name)(request_of(people["owner"]), record[name]).pk == record[name]


@pytest.mark.parametrize("someone", ["colleague", "supervisor", "admin", "outsider", "stranger"])
@pytest.mark.parametrize("name", OWN)
def test_it_is_a_404_for_anyone_but_the_owner(
    name: str, someone: str, people: dict[str, Any], record: dict[str, int]
) -> None:
    with pytest.raises(Http404):
        lookup(name)(request_of(people[someone]), record[name])


@pytest.mark.parametrize("name", OWN)
def test_it_is_a_404_for_the_owner_serving_another_organization(
    name: str, people: dict[str, Any], record: dict[str, int]
) -> None:
    # The clinician of record, now a member of Elsewhere only: their clients of Org stay there.
    Membership.objects.filter(user=people["owner"]).update(
        organization=Organization.objects.get(slug="elsewhere")
    )
    with pytest.raises(Http404):
        lookup(name)(request_of(people["owner"]), record[name])


def test_it_offers_only_the_current_version_of_a_corrected_form(
    people: dict[str, Any], record: dict[str, int]
) -> None:
    original = Administration.objects.get(pk=record["own_administration"])
    correction = record_administration(
        session=original.session, instrument="srs", answers=srs(7.0) | {"1": 8.0}, amends=original,
        reason="item 1 marked on the wrong line", entered_by=people["owner"],
    )  # fmt: skip
    request = request_of(people["owner"])
    with pytest.raises(Http404):
        lookups.own_administration(request, original.pk)
    assert lookups.own_administration(request, correction.pk) == correction


def test_it_lets_the_supervisor_read_the_client_and_no_one_else_but_the_owner(
    people: dict[str, Any], record: dict[str, int]
) -> None:
    client_pk = record["own_client"]
    for reader in ("owner", "supervisor"):
        assert lookups.visible_client(request_of(people[reader]), client_pk).pk == client_pk
    for someone in ("colleague", "admin", "outsider", "stranger"):
        with pytest.raises(Http404):
            lookups.visible_client(request_of(people[someone]), client_pk)


def test_it_lets_the_admin_read_a_client_opened_by_break_glass(
    people: dict[str, Any], record: dict[str, int]
) -> None:
    break_glass(organization=Organization.objects.get(slug="org"), user=people["admin"],
                code="H-1", reason="complaint 2026-7 about a missed session")  # fmt: skip
    client = lookups.visible_client(request_of(people["admin"]), record["own_client"])
    assert client.pk == record["own_client"]


def test_it_gives_the_admin_pages_their_organization_and_members_only(
    people: dict[str, Any],
) -> None:
    admin = request_of(people["admin"])
    assert lookups.admin_organization(admin).slug == "org"
    assert lookups.org_member(admin, people["colleague"].pk) == people["colleague"]
    with pytest.raises(Http404):
        lookups.org_member(admin, people["outsider"].pk)
    for someone in ("owner", "supervisor", "outsider"):
        with pytest.raises(Http404):
            lookups.admin_organization(request_of(people[someone]))
        with pytest.raises(Http404):
            lookups.org_member(request_of(people[someone]), people["colleague"].pk)
    with pytest.raises(Http404):
        lookups.admin_organization(request_of(AnonymousUser()))
