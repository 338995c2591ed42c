"""An admin moves a client to another clinician of the organization: the new clinician sees
the whole history, the former one no longer sees the client, the client keeps its place on
the caseload, and the move is audited under the admin's name, from whom to whom. Only an
admin reaches the page; to anyone else it does not exist."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from alliance.audit.models import AuditEvent
from alliance.care.models import Client, Organization
from alliance.care.services.transfer import TransferError, transfer_client

from ..cast import client_of, member, phq9, signed_in, srs

pytestmark = pytest.mark.django_db


@pytest.fixture
def urgent_client(clinician: User) -> Client:
    """T-1 of clinician1: three sessions, a safety answer not acted on at session 3."""
    return client_of(clinician, "T-1", [(1, "srs", srs(9.0)), (2, "srs", srs(9.0)),
                                        (3, "srs", srs(9.0)), (3, "phq-9", phq9(1))])  # fmt: skip


def test_the_new_clinician_sees_the_whole_history_and_the_former_one_nothing(
    urgent_client: Client, clinician: User, colleague: User, admin: User
) -> None:
    response = signed_in(admin).post("/clients/transfer/", {"client": urgent_client.pk,
                                                            "to": colleague.pk})  # fmt: skip
    assert response.status_code == 302
    page = signed_in(colleague).get(f"/clients/{urgent_client.pk}/").content.decode()
    assert "T-1" in page and "Read-only" not in page
    assert "Safety: Self harm risk at session 3." in page
    caseload = signed_in(colleague).get("/").content.decode()
    row = caseload[caseload.index(">T-1<") :].split("</tr>")[0]
    assert "Session 3" in row and '<span class="tag urgent">Self harm risk</span>' in row
    assert signed_in(clinician).get(f"/clients/{urgent_client.pk}/").status_code == 404
    assert "T-1" not in signed_in(clinician).get("/").content.decode()


def test_the_move_is_audited_under_the_admins_name_from_and_to(
    urgent_client: Client, colleague: User, admin: User
) -> None:
    signed_in(admin).post("/clients/transfer/", {"client": urgent_client.pk, "to": colleague.pk})
    entry = AuditEvent.objects.filter(action="update", object_type="client").get()
    assert (entry.username, entry.user_id_at_time) == ("admin1", admin.pk)
    assert entry.detail == "transferred from clinician1 to clinician2"
    assert (entry.fields, entry.client_id_at_time) == (["clinician"], urgent_client.pk)
    assert "T-1" not in entry.detail  # the trail holds no client codes


def test_a_client_moves_only_to_an_active_clinician_of_the_organization(
    urgent_client: Client, clinician: User, supervisor: User, admin: User, outsider: User
) -> None:
    organization = clinician.memberships.get().organization
    gone = member("clinician3", organization, "clinician")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    for to, code in ((supervisor, "not_a_clinician"), (admin, "not_a_clinician"),
                     (outsider, "not_a_clinician"), (gone, "inactive"),
                     (clinician, "same_clinician")):  # fmt: skip
        with pytest.raises(TransferError) as refused:
            transfer_client(organization=organization, client=urgent_client, to_clinician=to,
                            by=admin)  # fmt: skip
        assert refused.value.code == code, to.username
    assert Client.objects.get(pk=urgent_client.pk).clinician_id == clinician.pk
    assert not AuditEvent.objects.filter(action="update", object_type="client").exists()


def test_the_page_lists_the_organizations_clients_by_code_and_clinician(
    urgent_client: Client, colleague: User, admin: User, outsider: User
) -> None:
    client_of(colleague, "T-2")
    client_of(outsider, "T-elsewhere")
    page = signed_in(admin).get("/clients/transfer/").content.decode()
    assert '<th scope="row">T-1</th>\n    <td>clinician1</td>' in page
    assert '<th scope="row">T-2</th>\n    <td>clinician2</td>' in page
    assert "T-elsewhere" not in page and "Self harm" not in page  # codes, nothing clinical
    found = signed_in(admin).get("/clients/transfer/?code=t-2").content.decode()
    assert "T-2" in found and "T-1</th>" not in found
    listed = AuditEvent.objects.filter(object_type="client_list").latest("id")
    assert listed.client_ids == [Client.objects.get(code="T-2").pk]


def test_only_an_admin_reaches_the_page_and_moves_a_client(
    urgent_client: Client, clinician: User, colleague: User, supervisor: User, outsider: User
) -> None:
    for someone in (clinician, colleague, supervisor, outsider):
        browser = signed_in(someone)
        assert browser.get("/clients/transfer/").status_code == 404
        moved = browser.post("/clients/transfer/", {"client": urgent_client.pk, "to": colleague.pk})
        assert moved.status_code == 404
    assert Client.objects.get(pk=urgent_client.pk).clinician_id == clinician.pk


def test_an_admin_of_another_organization_moves_nothing_here(
    urgent_client: Client, colleague: User
) -> None:
    elsewhere = Organization.objects.create(name="Other", slug="other")
    other_admin = member("admin-elsewhere", elsewhere, "admin")
    theirs = member("clinician-elsewhere", elsewhere, "clinician")
    browser = signed_in(other_admin)
    # Org's clinician is not of their organization: no such member.
    posted = {"client": urgent_client.pk, "to": colleague.pk}
    assert browser.post("/clients/transfer/", posted).status_code == 404
    # Their own clinician, Org's client: no such client there.
    posted = {"client": urgent_client.pk, "to": theirs.pk}
    page = browser.post("/clients/transfer/", posted, follow=True).content.decode()
    assert "there is no such client in this organization" in page
    assert Client.objects.get(pk=urgent_client.pk).clinician_id == urgent_client.clinician_id


def test_a_move_it_cannot_read_is_said(urgent_client: Client, admin: User) -> None:
    browser = signed_in(admin)
    for posted in ({"client": "", "to": ""}, {"client": "\u0661", "to": "2"},
                   {"client": str(urgent_client.pk), "to": "x"}):  # fmt: skip
        page = browser.post("/clients/transfer/", posted, follow=True).content.decode()
        assert "Choose a client and the clinician to move them to." in page, posted
    said = browser.post(
        "/clients/transfer/",
        {"client": urgent_client.pk, "to": urgent_client.clinician_id},
        follow=True,
    )
    assert "the client is already clinician1&#x27;s" in said.content.decode()
