"""Odd input to the audit trail's filters and the admin's pages: digits other than ASCII
0-9 (a superscript two, an Arabic-Indic three, fullwidth digits) are never read as numbers
and never a server error; the page says what the filter takes and finds nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from alliance.audit.models import AuditEvent
from alliance.audit.trail import Actor, record
from alliance.care.models import Organization, Supervision

from ..cast import member, signed_in

pytestmark = pytest.mark.django_db

ODD_DIGITS = ("\N{SUPERSCRIPT TWO}", "\N{ARABIC-INDIC DIGIT THREE}",
              "\N{FULLWIDTH DIGIT ONE}\N{FULLWIDTH DIGIT TWO}", "1\N{SUPERSCRIPT TWO}")  # fmt: skip


@pytest.fixture
def trail(organization: Organization) -> None:
    # Entries about clients 2, 3 and 12, which a misread filter would find.
    for client_id in (2, 3, 12):
        record("read", object_type="client", object_id=client_id, client_id=client_id,
               organization_id=organization.pk, actor=Actor(1, "clinician1", ""))  # fmt: skip


@pytest.mark.parametrize("odd", ODD_DIGITS)
def test_a_client_filter_in_other_digits_finds_nothing_and_says_why(
    admin: User, trail: None, odd: str
) -> None:
    browser = signed_in(admin)
    page = browser.get("/audit/", {"client": odd})
    text = page.content.decode()
    assert page.status_code == 200
    assert "takes a client&#x27;s id in the digits 0 to 9" in text and "No entries." in text
    export = browser.get("/audit/export.csv", {"client": odd})
    rows = b"".join(export.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert export.status_code == 200 and len(rows) == 1  # the header only


def test_a_client_filter_in_ascii_digits_finds_that_client(admin: User, trail: None) -> None:
    page = signed_in(admin).get("/audit/", {"client": "12"}).content.decode()
    assert page.count("<tr><td class") == 1 and "digits 0 to 9" not in page


@pytest.mark.parametrize("odd", [*ODD_DIGITS, "-1", "1e3", "99999999999999999999"])
def test_an_odd_page_number_shows_the_first_page(admin: User, trail: None, odd: str) -> None:
    page = signed_in(admin).get("/audit/", {"page": odd})
    assert page.status_code == 200 and "<tr><td class" in page.content.decode()


@pytest.mark.parametrize("odd", ODD_DIGITS)
def test_a_supervisee_in_other_digits_is_refused_in_words(
    admin: User, organization: Organization, odd: str
) -> None:
    supervisor = member("supervisor4", organization, "supervisor")
    # Clinicians whose ids the odd digits would be read as, were they read at all.
    for n in range(1, 13):
        member(f"c{n}", organization, "clinician")
    answer = signed_in(admin).post(f"/members/{supervisor.pk}/supervises/", {"supervisee": odd},
                                   follow=True)  # fmt: skip
    assert answer.status_code == 200 and "choose a clinician" in answer.content.decode()
    assert not Supervision.objects.exists()
    assert not AuditEvent.objects.filter(object_type="supervision").exists()
