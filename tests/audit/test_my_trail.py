"""No silent supervision: assigning a supervisor is audited under the admin's name and shown
to the supervisee (who, since when, set by whom); and a clinician sees, on their own trail
page, every read of their clients' records by anyone else (who, when, what), never clinical
content and never their own reads."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from alliance.audit.models import AuditEvent
from alliance.care.models import Client, Organization, Supervision

from ..cast import member, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_supervisor(organization: Organization) -> User:
    # Not in the cast: a supervisor of Org whom the admin assigns to clinician1 in the test.
    return member("supervisor3", organization, "supervisor")


def rows_of(page: str) -> list[str]:
    table = page[page.index("Who else read my clients") :]
    return [row for row in table.split("<tr>")[2:] if "</td>" in row]


def test_assigning_a_supervisor_is_audited_under_the_admins_name_and_shown_to_the_supervisee(
    admin: User, clinician: User, new_supervisor: User, organization: Organization
) -> None:
    before = signed_in(clinician).get("/audit/mine/").content.decode()
    assert "No one supervises you." in before
    signed_in(admin).post(f"/members/{new_supervisor.pk}/supervises/",
                          {"supervisee": str(clinician.pk)})  # fmt: skip
    link = Supervision.objects.get(supervisor=new_supervisor, supervisee=clinician)
    entry = AuditEvent.objects.get(action="create", object_type="supervision")
    assert (entry.username, entry.user_id_at_time, entry.object_id) == (
        "admin1",
        admin.pk,
        str(link.pk),
    )
    assert entry.organization_id_at_time == organization.pk
    assert entry.detail == "supervisor3 supervises clinician1"
    page = signed_in(clinician).get("/audit/mine/").content.decode()
    since = entry.at.strftime("%-d %b %Y %H:%M")
    assert f"<strong>supervisor3</strong>, since {since} (set by admin1)" in page
    # Someone else's supervision is not theirs to see.
    assert "supervisor3" not in signed_in(admin).get("/audit/mine/").content.decode()


def test_a_supervision_older_than_the_trail_is_still_shown(
    clinician: User, supervisor: User
) -> None:
    page = signed_in(clinician).get("/audit/mine/").content.decode()
    assert "<strong>supervisor1</strong>, since before the trail recorded it" in page


def test_the_supervisee_sees_who_read_their_clients_and_not_their_own_reads(
    clinician: User, supervisor: User, admin: User, colleague: User, client_with_history: Client
) -> None:
    client = client_with_history
    signed_in(clinician).get(f"/clients/{client.pk}/")  # their own read: not listed
    reader = signed_in(supervisor)
    reader.get("/")  # the supervisee's caseload, listed on the supervisor's home page
    reader.get(f"/clients/{client.pk}/")
    opener = signed_in(admin)
    reason = "complaint 2026-41: the client reports feeling unsafe"
    opener.post("/break-glass/", {"code": "H-1", "reason": reason})
    opener.get(f"/clients/{client.pk}/")
    page = signed_in(clinician).get("/audit/mine/").content.decode()
    rows = rows_of(page)
    cells = [row.split("</td><td>") for row in rows]
    described = [(row[1], row[2]) for row in cells]
    assert described == [  # newest first
        ("admin1", "the client&#x27;s chart"),
        ("admin1", "opened the record by break-glass, for one hour"),
        ("supervisor1", "the client&#x27;s chart"),
        ("supervisor1", "your caseload (codes and what needs attention)"),
    ]
    assert f'<a href="/clients/{client.pk}/">client {client.pk}</a>' in rows[0]
    assert "clinician1" not in "".join(rows)  # their own reads are theirs
    # No clinical content: not the break-glass reason, not even the client's code.
    assert "unsafe" not in page and "H-1" not in page
    # A colleague's page shows none of it.
    colleagues = signed_in(colleague).get("/audit/mine/").content.decode()
    assert "No one else has read your clients' records." in colleagues


def test_the_page_takes_only_ascii_page_numbers(clinician: User) -> None:
    browser = signed_in(clinician)
    for odd in ("\N{SUPERSCRIPT TWO}", "\N{ARABIC-INDIC DIGIT THREE}", "-1", "99999999999"):
        assert browser.get("/audit/mine/", {"page": odd}).status_code == 200, odd
