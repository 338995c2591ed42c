"""Deactivating a member takes a confirmation, never one click on the members list, and the
confirmation says how many clients they leave and links to moving them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from alliance.audit.models import AuditEvent
from alliance.care.models import Client

from ..cast import signed_in

pytestmark = pytest.mark.django_db


def test_deactivating_asks_first_and_offers_to_transfer_the_clients(
    admin: User, clinician: User, client_with_history: Client
) -> None:
    browser = signed_in(admin)
    listed = browser.get("/members/").content.decode()
    assert f'href="/members/{clinician.pk}/deactivate/"' in listed
    # A post without the confirmation (the old one-click form) only leads to the question.
    asked = browser.post(f"/members/{clinician.pk}/active/", {"active": "0"})
    assert asked["Location"] == f"/members/{clinician.pk}/deactivate/"
    clinician.refresh_from_db()
    assert clinician.is_active
    question = browser.get(asked["Location"]).content.decode()
    assert "Deactivate clinician1?" in question
    assert "the clinician of 1 client." in question and 'href="/clients/transfer/"' in question
    done = browser.post(f"/members/{clinician.pk}/active/", {"active": "0", "confirm": "yes"})
    assert done["Location"] == "/members/"
    clinician.refresh_from_db()
    assert not clinician.is_active
    assert AuditEvent.objects.filter(object_type="user", detail="deactivated").count() == 1
    # Reactivating takes one click: nothing is lost by it.
    browser.post(f"/members/{clinician.pk}/active/", {"active": "1"})
    clinician.refresh_from_db()
    assert clinician.is_active


def test_the_question_is_not_asked_about_ones_own_account(admin: User) -> None:
    page = signed_in(admin).get(f"/members/{admin.pk}/deactivate/").content.decode()
    assert "You cannot deactivate your own account." in page and "confirm" not in page
