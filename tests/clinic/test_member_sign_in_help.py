"""The admin helps a member sign in without ever holding their password: unlocking an
account locked by failed sign-ins, and removing a lost second factor (the member sets up a
new one at their next sign-in, with their own password). Both are audited; nobody but the
organization's admin can do either."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.audit.models import AuditEvent

from ..cast import PASSWORD, member, signed_in

pytestmark = pytest.mark.django_db


def locked_out(username: str) -> Browser:
    browser = Browser(REMOTE_ADDR="198.51.100.7")
    for attempt in range(5):
        browser.post("/login/", {"username": username, "password": f"guess {attempt}"})
    refused = browser.post("/login/", {"username": username, "password": PASSWORD})
    assert refused.status_code == 429
    return browser


def test_the_admin_unlocks_a_locked_out_member(admin: User, clinician: User) -> None:
    browser = locked_out("clinician1")
    page = signed_in(admin).get("/members/").content.decode()
    assert "locked out" in page and f"/members/{clinician.pk}/unlock/" in page
    signed_in(admin).post(f"/members/{clinician.pk}/unlock/")
    assert (
        browser.post("/login/", {"username": "clinician1", "password": PASSWORD}).status_code == 302
    )
    entry = AuditEvent.objects.get(detail__startswith="sign-in unlocked")
    assert entry.username == "admin1" and entry.object_id == str(clinician.pk)
    assert entry.fields == ["sign_in_lockout"]
    assert "locked out" not in signed_in(admin).get("/members/").content.decode()


def with_second_factor(user: User) -> None:
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    StaticDevice.objects.create(user=user, name="recovery codes")


@pytest.mark.two_factor
def test_the_admin_resets_a_lost_second_factor(
    admin: User, clinician: User, settings: object
) -> None:
    with_second_factor(clinician)
    with_second_factor(admin)
    settings.RELAX_MFA = "demo"  # type: ignore[attr-defined]  # the admin's own factor aside
    done = signed_in(admin).post(f"/members/{clinician.pk}/second-factor/", follow=True)
    assert "sets up a new second factor at their next sign-in" in done.content.decode()
    assert not TOTPDevice.objects.filter(user=clinician).exists()
    assert not StaticDevice.objects.filter(user=clinician).exists()
    entry = AuditEvent.objects.get(detail="second factor reset by the admin")
    assert entry.username == "admin1" and entry.fields == ["second_factor"]
    # At the next sign-in, with their own password, the member sets up a new one.
    settings.RELAX_MFA = ""  # type: ignore[attr-defined]
    browser = Browser()
    browser.post("/login/", {"username": "clinician1", "password": PASSWORD})
    assert browser.get("/")["Location"].startswith("/2fa/setup/")


def test_an_admin_cannot_reset_their_own_second_factor(admin: User) -> None:
    with_second_factor(admin)
    refused = signed_in(admin).post(f"/members/{admin.pk}/second-factor/", follow=True)
    assert "your own second factor" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_only_the_organizations_admin_helps(
    admin: User, clinician: User, supervisor: User, outsider: User
) -> None:
    with_second_factor(clinician)
    other_admin = member("admin2", outsider.memberships.get().organization, "admin")
    tried = 0
    for someone in (clinician, supervisor, other_admin):
        for action in ("unlock", "second-factor", "enrolment"):
            response = signed_in(someone).post(f"/members/{clinician.pk}/{action}/")
            assert response.status_code == 404, (someone.username, action)
            tried += 1
    assert tried == 9
    assert TOTPDevice.objects.filter(user=clinician).exists()
    assert not AuditEvent.objects.filter(detail="second factor reset by the admin").exists()
