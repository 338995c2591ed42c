"""A member changes their own password (Django's password-change form and validators): the
change is audited, this browser stays signed in and the others are signed out; a wrong
current password counts as a failed sign-in, towards the lockout."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from alliance.audit.models import AuditEvent

from ..cast import PASSWORD, signed_in_with_password

pytestmark = pytest.mark.django_db

NEW = "a brand new pass phrase"


def change(old: str, new: str = NEW, again: str = NEW) -> dict[str, str]:
    return {"old_password": old, "new_password1": new, "new_password2": again}


def test_a_member_changes_their_own_password(clinician: User) -> None:
    browser = signed_in_with_password(clinician)
    elsewhere = signed_in_with_password(clinician)
    assert "Change your password" in browser.get("/account/password/").content.decode()
    done = browser.post("/account/password/", change(PASSWORD), follow=True)
    assert "Your password is changed." in done.content.decode()
    clinician.refresh_from_db()
    assert clinician.check_password(NEW)
    assert browser.get("/").status_code == 200  # still signed in here
    assert elsewhere.get("/")["Location"].startswith("/login/")  # not in the other browser
    entry = AuditEvent.objects.get(detail="password changed by the member")
    assert entry.username == "clinician1" and entry.fields == ["password"]
    assert entry.organization_id_at_time == clinician.memberships.get().organization_id


def test_a_weak_or_mistyped_new_password_changes_nothing(clinician: User) -> None:
    browser = signed_in_with_password(clinician)
    weak = browser.post("/account/password/", change(PASSWORD, "clinician1", "clinician1"))
    assert "too short" in weak.content.decode()
    mistyped = browser.post("/account/password/", change(PASSWORD, NEW, NEW + "!"))
    assert "two password fields didn" in mistyped.content.decode()
    clinician.refresh_from_db()
    assert clinician.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(detail="password changed by the member").exists()


def test_wrong_current_passwords_are_failed_sign_ins_and_lock_out(clinician: User) -> None:
    browser = signed_in_with_password(clinician)
    for attempt in range(1, 5):
        wrong = browser.post("/account/password/", change(f"guess number {attempt}"))
        assert wrong.status_code == 200
        assert "Your old password was entered incorrectly" in wrong.content.decode()
    failed = AuditEvent.objects.filter(action="sign_in_failed", username="clinician1")
    assert failed.count() == 4
    locked = browser.post("/account/password/", change("guess number 5"))
    assert locked.status_code == 429 and "Sign-in locked for now" in locked.content.decode()
    # Locked: even the right password changes nothing until the cool-off (or the admin).
    assert browser.post("/account/password/", change(PASSWORD)).status_code == 429
    clinician.refresh_from_db()
    assert clinician.check_password(PASSWORD)
