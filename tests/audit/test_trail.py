"""The audit trail: who read or changed what, when, which fields, from where; append-only
and hash-chained, so that editing, deleting or inserting a past entry is detected."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client as Browser
from django.test import RequestFactory

from alliance.audit.models import AppendOnlyError, AuditEvent
from alliance.audit.trail import Actor, record, verify_chain
from alliance.care.models import Client, Membership, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization() -> Organization:
    organization = Organization.objects.create(name="Org", slug="org")
    users = get_user_model().objects
    for name, role in (("clinician1", "clinician"), ("admin1", "admin")):
        user = users.create_user(name, password=f"pw-{name}")
        Membership.objects.create(organization=organization, user=user, role=role)
    return organization


def browser_of(name: str) -> Browser:
    browser = Browser(REMOTE_ADDR="203.0.113.9")
    assert browser.login(request=RequestFactory().get("/"), username=name, password=f"pw-{name}")
    return browser


def test_it_records_changes_and_reads_with_who_what_fields_and_address(
    organization: Organization,
) -> None:
    browser = browser_of("clinician1")
    browser.post("/", {"code": "A-1", "symptom_instruments": "ors"})
    client = Client.objects.get(code="A-1")
    browser.get(f"/clients/{client.pk}/")
    browser.post(f"/clients/{client.pk}/sessions/")
    entries = list(AuditEvent.objects.exclude(action="sign_in"))
    described = [(e.username, e.action, e.object_type, e.client_id_at_time) for e in entries]
    assert described == [
        ("clinician1", "create", "client", client.pk),
        ("clinician1", "create", "episode", client.pk),
        ("clinician1", "read", "client", client.pk),
        ("clinician1", "create", "session", client.pk),
    ]
    assert entries[0].fields == ["code"] and entries[1].fields == ["measure_plan", "started_on"]
    assert {e.address for e in entries} == {"203.0.113.9"}
    assert {e.organization_id_at_time for e in entries} == {organization.pk}
    assert "A-1" not in str([e.detail for e in entries])  # ids, not clinical content


def test_a_failed_sign_in_names_the_username_tried_not_the_password(
    organization: Organization,
) -> None:
    Browser().post("/login/", {"username": "clinician1", "password": "wrong-guess"})
    entry = AuditEvent.objects.get(action="sign_in_failed")
    assert entry.username == "clinician1"
    assert "wrong-guess" not in str(AuditEvent.objects.values_list())


def test_entries_are_never_edited_or_deleted_through_the_app() -> None:
    entry = record("read", object_type="client", object_id=1, actor=Actor(1, "u", "::1"))
    entry.detail = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def make_chain(n: int) -> list[AuditEvent]:
    return [
        record("read", object_type="client", object_id=k, actor=Actor(1, "u", "10.0.0.1"))
        for k in range(n)
    ]


def test_an_untouched_chain_verifies() -> None:
    make_chain(5)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().strip() == "audit trail intact: 5 entries"


def test_editing_a_past_entry_is_detected() -> None:
    entries = make_chain(5)
    # Behind the app's back, as someone with the database file could.
    AuditEvent.objects.filter(pk=entries[2].pk).update(username="someone-else")
    report = verify_chain()
    assert report.broken_at == entries[2].pk and "content was changed" in report.reason
    with pytest.raises(CommandError, match=f"broken at entry {entries[2].pk}"):
        call_command("verify_audit")


def test_deleting_a_past_entry_is_detected() -> None:
    entries = make_chain(5)
    AuditEvent.objects.filter(pk=entries[1].pk)._raw_delete(AuditEvent.objects.db)
    report = verify_chain()
    assert report.broken_at == entries[2].pk and "deleted or inserted" in report.reason


def test_deleting_the_latest_entries_is_detected() -> None:
    entries = make_chain(5)
    AuditEvent.objects.filter(pk__gte=entries[3].pk)._raw_delete(AuditEvent.objects.db)
    report = verify_chain()
    assert not report.intact and "latest entries were removed" in report.reason


def test_admins_see_and_export_their_organizations_trail_and_no_one_else_does(
    organization: Organization,
) -> None:
    clinician = browser_of("clinician1")
    clinician.post("/", {"code": "=HYPERLINK(1)", "symptom_instruments": "ors"})
    clinician.post("/", {"code": "B-2", "symptom_instruments": "ors"})
    other_org = Organization.objects.create(name="Else", slug="else")
    outsider = get_user_model().objects.create_user("admin2", password="pw-admin2")
    Membership.objects.create(organization=other_org, user=outsider, role="admin")
    assert clinician.get("/audit/").status_code == 404
    assert browser_of("admin2").get("/audit/").content.decode().count("<tr><td class") == 1
    admin = browser_of("admin1")
    page = admin.get("/audit/?action=create").content.decode()
    assert page.count("<tr><td class") == 2  # B-2's client and episode; the bad code: nothing
    export = admin.get("/audit/export.csv?user=clinician1")
    rows = b"".join(export.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert rows[0].startswith("id,at,username,action") and len(rows) == 1 + 3
    assert AuditEvent.objects.filter(action="export", username="admin1").exists()
    assert admin.get("/audit/?client=1%27%20OR%201=1").status_code == 200  # matches nothing


def test_an_exported_cell_never_runs_as_a_spreadsheet_formula() -> None:
    from alliance.audit.views import _cell

    assert [_cell(v) for v in ("=1+1", "+A1", "-2", "@x", "ok", None, ["a", "b"])] == [
        "'=1+1", "'+A1", "'-2", "'@x", "ok", "", "a,b",
    ]  # fmt: skip
