"""Every member sets, on their own Email page, the address notifications go to: a valid
address is saved and audited; anything else is refused in words, nothing saved."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from alliance.audit.models import AuditEvent

from ..cast import signed_in

PAGE = "/account/email/"


def test_it_shows_the_address_and_the_header_links_to_it(reachable_clinician: User) -> None:
    response = signed_in(reachable_clinician).get(PAGE)
    assert response.status_code == 200
    assert b'value="clinician1@example.org"' in response.content
    assert b'href="/account/email/"' in signed_in(reachable_clinician).get("/").content


def test_it_saves_a_valid_address_and_audits_the_change(clinician: User) -> None:
    browser = signed_in(clinician)
    response = browser.post(PAGE, {"email": "  new.address@example.org "})
    assert (response.status_code, response["Location"]) == (302, PAGE)
    clinician.refresh_from_db()
    assert clinician.email == "new.address@example.org"
    entry = AuditEvent.objects.get(object_type="user", action="update")
    assert (entry.action, entry.object_id, entry.fields) == ("update", str(clinician.pk),
                                                             ["email"])  # fmt: skip
    assert b"Your email address is saved." in browser.get(PAGE).content


@pytest.mark.parametrize(
    ("entered", "words"),
    [
        ("", "Enter the address that notifications of urgent signals go to."),
        ("   ", "Enter the address that notifications of urgent signals go to."),
        ("not an address", "That is not an email address: enter one like name@example.org."),
        ("name@", "That is not an email address: enter one like name@example.org."),
        ("a@b@example.org", "That is not an email address: enter one like name@example.org."),
        ("x" * 250 + "@example.org", "longer than 254 characters"),
    ],
)
def test_it_refuses_what_is_not_an_address_and_keeps_the_old_one(
    reachable_clinician: User, entered: str, words: str
) -> None:
    response = signed_in(reachable_clinician).post(PAGE, {"email": entered})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert b'aria-invalid="true"' in response.content
    reachable_clinician.refresh_from_db()
    assert reachable_clinician.email == "clinician1@example.org"
    assert not AuditEvent.objects.filter(object_type="user", action="update").exists()


def test_each_member_changes_only_their_own(clinician: User, colleague: User) -> None:
    signed_in(colleague).post(PAGE, {"email": "clinician2@example.org"})
    clinician.refresh_from_db()
    colleague.refresh_from_db()
    assert (clinician.email, colleague.email) == ("", "clinician2@example.org")


def test_any_member_has_the_page(supervisor: User, admin: User) -> None:
    assert signed_in(supervisor).get(PAGE).status_code == 200
    assert signed_in(admin).get(PAGE).status_code == 200


def test_it_asks_who_you_are_first(client: object) -> None:
    response = client.get(PAGE)  # type: ignore[attr-defined]
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_member_without_an_address_is_told_urgent_signals_cannot_reach_them(
    clinician: User,
) -> None:
    assert b"urgent signals cannot reach you by email" in signed_in(clinician).get(PAGE).content
