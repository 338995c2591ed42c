"""Signing in and out: one entry each, naming the member's organization so that its admin
sees it; an account without a membership is recorded without one."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from alliance.audit.models import AuditEvent
from alliance.care.models import Organization

from ..cast import ADDRESS, PASSWORD, signed_in_with_password

pytestmark = pytest.mark.django_db


def test_it_records_one_sign_in_and_one_sign_out_with_the_organization(
    clinician: User, organization: Organization
) -> None:
    signed_in_with_password(clinician).post("/logout/")
    entries = AuditEvent.objects.filter(action__in=["sign_in", "sign_out"]).order_by("id")
    assert [(e.action, e.username, e.organization_id_at_time) for e in entries] == [
        ("sign_in", "clinician1", organization.pk),
        ("sign_out", "clinician1", organization.pk),
    ]
    # The sign-out came through a page, from the browser's address.
    assert entries[1].address == ADDRESS and entries[1].user_id_at_time == clinician.pk


def test_it_records_a_sign_in_without_an_organization_for_an_account_without_one() -> None:
    # Not in the cast: an account with no membership at all.
    loner = get_user_model().objects.create_user("loner", password=PASSWORD)
    signed_in_with_password(loner)
    entry = AuditEvent.objects.get(action="sign_in")
    assert entry.username == "loner" and entry.organization_id_at_time is None
