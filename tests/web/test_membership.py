"""The member's organization and role are read once per request, by one middleware, and the
pages use them instead of asking again.

People: from the cast, `clinician` (clinician1 of Org) and `admin` (admin1 of Org); made here,
`nomad`, a member of two organizations (which should not happen, but must not make requests
disagree), and `loner`, an account with no membership; and an anonymous visitor, who has
neither organization nor role.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from alliance.care.models import Membership, Organization
from alliance.web.membership import MembershipMiddleware

from ..cast import signed_in

pytestmark = pytest.mark.django_db


def served(user: Any) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user
    MembershipMiddleware(lambda _request: HttpResponse())(request)
    return request


def test_it_sets_the_members_organization_and_role(
    clinician: User, organization: Organization
) -> None:
    request = served(clinician)
    assert request.organization == organization  # type: ignore[attr-defined]
    assert request.role == Membership.Role.CLINICIAN  # type: ignore[attr-defined]


def test_it_sets_neither_for_an_anonymous_visitor_and_asks_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        request = served(AnonymousUser())
    assert request.organization is None and request.role is None  # type: ignore[attr-defined]
    assert len(queries) == 0


def test_it_sets_neither_for_an_account_without_a_membership() -> None:
    # Not in the cast: an account with no membership at all.
    request = served(get_user_model().objects.create_user("loner"))
    assert request.organization is None and request.role is None  # type: ignore[attr-defined]


def test_it_reads_the_membership_in_one_query_per_request(clinician: User) -> None:
    browser = signed_in(clinician)
    with CaptureQueriesContext(connection) as queries:
        assert browser.get("/").status_code == 200
    # Reads of the membership rows themselves (the supervision query only joins them).
    membership_reads = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "care_membership"')
    ]
    assert len(membership_reads) == 1, membership_reads


def test_the_caseload_shows_the_admin_links_by_the_requests_role(
    admin: User, clinician: User
) -> None:
    admin_page = signed_in(admin).get("/").content.decode()
    clinician_page = signed_in(clinician).get("/").content.decode()
    assert 'href="/members/"' in admin_page and 'href="/members/"' not in clinician_page


def test_it_settles_several_memberships_on_the_lowest_organization(
    organization: Organization,
) -> None:
    later = Organization.objects.create(name="Later", slug="later")
    # Not in the cast: one account with two memberships.
    nomad = get_user_model().objects.create_user("nomad")
    # Created in the other order, so that the choice is not the order of the rows.
    Membership.objects.create(organization=later, user=nomad, role="admin")
    Membership.objects.create(organization=organization, user=nomad, role="clinician")
    for _ in range(3):
        request = served(nomad)
        assert request.organization == organization and request.role == "clinician"  # type: ignore[attr-defined]
