"""Signing in and out: one entry each, naming the member's organization so that its admin
sees it; an account without a membership is recorded without one."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as Browser
from django.test import RequestFactory

from alliance.audit.models import AuditEvent
from alliance.care.models import Membership, Organization

pytestmark = pytest.mark.django_db


def signed_in(name: str) -> Browser:
    browser = Browser(REMOTE_ADDR="203.0.113.9")
    assert browser.login(request=RequestFactory().get("/"), username=name, password=f"pw-{name}")
    return browser


def test_it_records_one_sign_in_and_one_sign_out_with_the_organization() -> None:
    organization = Organization.objects.create(name="Org", slug="org")
    user = get_user_model().objects.create_user("clinician1", password="pw-clinician1")
    Membership.objects.create(organization=organization, user=user, role="clinician")
    signed_in("clinician1").post("/logout/")
    entries = AuditEvent.objects.filter(action__in=["sign_in", "sign_out"]).order_by("id")
    assert [(e.action, e.username, e.organization_id_at_time) for e in entries] == [
        ("sign_in", "clinician1", organization.pk),
        ("sign_out", "clinician1", organization.pk),
    ]
    # The sign-out came through a page, from the browser's address.
    assert entries[1].address == "203.0.113.9" and entries[1].user_id_at_time == user.pk


def test_it_records_a_sign_in_without_an_organization_for_an_account_without_one() -> None:
    get_user_model().objects.create_user("loner", password="pw-loner")
    signed_in("loner")
    entry = AuditEvent.objects.get(action="sign_in")
    assert entry.username == "loner" and entry.organization_id_at_time is None
