"""The audit trail: who read or changed what, when, which fields, from where; append-only
and hash-chained, so that editing, deleting or inserting a past entry is detected."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client as Browser

from alliance.audit.models import AppendOnlyError, AuditEvent
from alliance.audit.trail import Actor, record, verify_chain
from alliance.care.models import Client, Organization

from ..cast import ADDRESS, member, signed_in_with_password

pytestmark = pytest.mark.django_db


def test_it_records_changes_and_reads_with_who_what_fields_and_address(
    organization: Organization, clinician: User
) -> None:
    browser = signed_in_with_password(clinician)
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
    assert {e.address for e in entries} == {ADDRESS}
    assert {e.organization_id_at_time for e in entries} == {organization.pk}
    assert "A-1" not in str([e.detail for e in entries])  # ids, not clinical content


def test_a_failed_sign_in_names_the_username_tried_not_the_password(clinician: User) -> None:
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
    intact, head = out.getvalue().splitlines()
    assert intact == "audit trail intact: 5 entries"
    assert head == f"head: 5:{AuditEvent.objects.order_by('id').last().hash}"  # type: ignore[union-attr]


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
    clinician: User, admin: User, outsider: User
) -> None:
    browser = signed_in_with_password(clinician)
    browser.post("/", {"code": "=HYPERLINK(1)", "symptom_instruments": "ors"})
    browser.post("/", {"code": "B-2", "symptom_instruments": "ors"})
    # Not in the cast: an admin of Elsewhere, who sees Elsewhere's trail (their own sign-in).
    admin_elsewhere = member("admin2", outsider.memberships.get().organization, "admin")
    assert browser.get("/audit/").status_code == 404
    elsewhere = signed_in_with_password(admin_elsewhere).get("/audit/").content.decode()
    assert elsewhere.count("<tr><td class") == 1
    assert signed_in_with_password(outsider).get("/audit/").status_code == 404
    admin_browser = signed_in_with_password(admin)
    page = admin_browser.get("/audit/?action=create").content.decode()
    assert page.count("<tr><td class") == 2  # B-2's client and episode; the bad code: nothing
    export = admin_browser.get("/audit/export.csv?user=clinician1")
    rows = b"".join(export.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert rows[0].startswith("id,at,username,action") and len(rows) == 1 + 3
    assert AuditEvent.objects.filter(action="export", username="admin1").exists()
    refused = admin_browser.get("/audit/?client=1%27%20OR%201=1")  # not an id: finds nothing
    assert refused.status_code == 200 and "digits 0 to 9" in refused.content.decode()
    assert "No entries." in refused.content.decode()


def test_an_exported_cell_never_runs_as_a_spreadsheet_formula() -> None:
    from alliance.audit.views import _cell

    assert [_cell(v) for v in ("=1+1", "+A1", "-2", "@x", "ok", None, ["a", "b"])] == [
        "'=1+1", "'+A1", "'-2", "'@x", "ok", "", "a,b",
    ]  # fmt: skip
