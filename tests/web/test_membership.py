"""The member's organization and role are read once per request, by one middleware, and the
pages use them instead of asking again.

People: `clinician1`, a clinician of Org; `admin1`, the admin of Org; `nomad`, a member of
two organizations (which should not happen, but must not make requests disagree); an
anonymous visitor, who has neither organization nor role.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client as Browser
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from alliance.care.models import Membership, Organization
from alliance.web.membership import MembershipMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Organization:
    return Organization.objects.create(name="Org", slug="org")


def member(name: str, organization: Organization, role: str) -> Any:
    user = get_user_model().objects.create_user(name)
    Membership.objects.create(organization=organization, user=user, role=role)
    return user


def served(user: Any) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user
    MembershipMiddleware(lambda _request: HttpResponse())(request)
    return request


def signed_in(user: Any) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def test_it_sets_the_members_organization_and_role(org: Organization) -> None:
    request = served(member("clinician1", org, "clinician"))
    assert request.organization == org  # type: ignore[attr-defined]
    assert request.role == Membership.Role.CLINICIAN  # type: ignore[attr-defined]


def test_it_sets_neither_for_an_anonymous_visitor_and_asks_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        request = served(AnonymousUser())
    assert request.organization is None and request.role is None  # type: ignore[attr-defined]
    assert len(queries) == 0


def test_it_sets_neither_for_an_account_without_a_membership() -> None:
    request = served(get_user_model().objects.create_user("loner"))
    assert request.organization is None and request.role is None  # type: ignore[attr-defined]


def test_it_reads_the_membership_in_one_query_per_request(org: Organization) -> None:
    browser = signed_in(member("clinician1", org, "clinician"))
    with CaptureQueriesContext(connection) as queries:
        assert browser.get("/").status_code == 200
    # Reads of the membership rows themselves (the supervision query only joins them).
    membership_reads = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "care_membership"')
    ]
    assert len(membership_reads) == 1, membership_reads


def test_the_caseload_shows_the_admin_links_by_the_requests_role(org: Organization) -> None:
    admin_page = signed_in(member("admin1", org, "admin")).get("/").content.decode()
    clinician_page = signed_in(member("clinician1", org, "clinician")).get("/").content.decode()
    assert 'href="/members/"' in admin_page and 'href="/members/"' not in clinician_page


def test_it_settles_several_memberships_on_the_lowest_organization(org: Organization) -> None:
    later = Organization.objects.create(name="Later", slug="later")
    nomad = get_user_model().objects.create_user("nomad")
    # Created in the other order, so that the choice is not the order of the rows.
    Membership.objects.create(organization=later, user=nomad, role="admin")
    Membership.objects.create(organization=org, user=nomad, role="clinician")
    for _ in range(3):
        request = served(nomad)
        assert request.organization == org and request.role == "clinician"  # type: ignore[attr-defined]
