"""Break-glass in the trail: a refused attempt is audited (without the code tried), an
opened record is audited with its reason marked as free text that may hold clinical words,
and the admin's trail page marks it so."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from alliance.audit.models import AuditEvent
from alliance.care.models import Client, Organization
from alliance.care.services.admin import AdminError, break_glass

from ..cast import signed_in

pytestmark = pytest.mark.django_db


def test_refused_break_glass_attempts_are_audited_without_the_code_tried(
    admin: User, organization: Organization, client_with_history: Client
) -> None:
    browser = signed_in(admin)
    browser.post("/break-glass/", {"code": "H-1", "reason": "short"})
    browser.post("/break-glass/", {"code": "NOPE-7", "reason": "looking for someone"})
    with pytest.raises(AdminError):
        break_glass(organization=organization, user=admin, code="H-9", reason="a long reason")
    refused = AuditEvent.objects.filter(action="break_glass_failed").order_by("id")
    assert [(e.username, e.detail, e.organization_id_at_time) for e in refused] == [
        ("admin1", "no reason given", organization.pk),
        ("admin1", "no client with the code given", organization.pk),
        ("admin1", "no client with the code given", organization.pk),
    ]
    stored = str(list(AuditEvent.objects.values_list()))
    assert "NOPE-7" not in stored and "H-9" not in stored and "looking for" not in stored
    page = browser.get("/audit/?action=break_glass_failed").content.decode()
    assert page.count("no client with the code given") == 2


def test_an_opened_record_is_audited_with_its_reason_marked_as_free_text(
    admin: User, clinician: User, client_with_history: Client
) -> None:
    browser = signed_in(admin)
    browser.post("/break-glass/", {"code": "H-1", "reason": "complaint 2026-41 reviewed"})
    entry = AuditEvent.objects.get(action="break_glass")
    assert entry.free_text and entry.detail.endswith("complaint 2026-41 reviewed")
    assert (entry.username, entry.client_id_at_time, entry.owner_id_at_time) == (
        "admin1",
        client_with_history.pk,
        clinician.pk,
    )
    page = browser.get("/audit/?action=break_glass").content.decode()
    assert "free text: may hold clinical words" in page
    # The other entries hold no typed words and are not marked.
    assert not AuditEvent.objects.exclude(action="break_glass").filter(free_text=True).exists()
