"""Reading the caseload is audited: one entry per page view, naming the clients listed on
the page shown (by id) and whose caseloads they were; a page that lists no one records
nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from alliance.audit.models import AuditEvent
from alliance.care.models import Client, Organization

from ..cast import client_of, signed_in, srs

pytestmark = pytest.mark.django_db


def caseload_entries() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="caseload").order_by("id"))


def test_each_caseload_page_view_records_the_clients_on_that_page(
    clinician: User, organization: Organization
) -> None:
    for n in range(102):
        client_of(clinician, f"Q-{n:03d}", [(1, "srs", srs(9.8))])
    shown = list(Client.objects.order_by("attention", "headline_rank", "code"))
    browser = signed_in(clinician)
    browser.get("/")
    browser.get("/?page=2")
    first, second = caseload_entries()
    assert (first.action, first.username, first.object_id) == ("read", "clinician1",
                                                               str(clinician.pk))  # fmt: skip
    assert first.client_ids == [client.pk for client in shown[:100]]
    assert second.client_ids == [client.pk for client in shown[100:]]
    assert first.listed_owners == f",{clinician.pk},"
    assert first.organization_id_at_time == organization.pk


def test_a_supervisors_home_page_records_the_supervisees_clients_as_theirs(
    supervisor: User, clinician: User, client_with_history: Client
) -> None:
    other = client_of(clinician, "H-2", [(1, "srs", srs(9.0))])
    signed_in(supervisor).get("/")
    (entry,) = caseload_entries()
    assert entry.username == "supervisor1"
    assert sorted(entry.client_ids) == sorted([client_with_history.pk, other.pk])
    assert entry.listed_owners == f",{clinician.pk},"  # found on clinician1's own trail


def test_a_page_that_lists_no_client_records_nothing(admin: User, clinician: User) -> None:
    signed_in(admin).get("/")
    signed_in(clinician).get("/")  # no clients yet
    assert caseload_entries() == []
