"""The session as clinicians run it, end to end in Debian's chromium on phone-sized screens:
the outcome forms at the start by link, their scores on the session page, then the SRS at the
end by the kiosk; a second hand-over offers nothing already stored; a form filled on paper is
entered and leaves the list of what is due."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from alliance.care.models import Administration

from ..cast import PASSWORD, client_of
from .test_session_feedback_e2e import browser, pytestmark, sign_in  # noqa: F401

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
PLAN = {"every_session": ["srs", "phq-9", "gad-7"], "windows": [], "start": ["phq-9", "gad-7"]}


@pytest.fixture
def client_pk(clinician: User) -> int:
    return client_of(clinician, "P-21", plan=PLAN).pk


def start_session(page: Page, base: str, pk: int) -> None:
    sign_in(page, base)
    page.goto(f"{base}/clients/{pk}/")
    page.click("text=Start a session")
    expect(page.locator("h1")).to_contain_text("P-21 · session 1")


def test_start_forms_by_link_then_the_srs_at_the_kiosk_on_phones(
    browser: Browser,  # noqa: F811
    live_server: Any,
    client_pk: int,
) -> None:
    clinician = browser.new_page(**PHONE)
    start_session(clinician, live_server.url, client_pk)
    start = clinician.locator("div.phase[data-phase=start]")
    end = clinician.locator("div.phase[data-phase=end]")
    start.locator("button:has-text('Create a link')").click()
    link = clinician.locator("a.client-link").inner_text()
    # The reload after the post shows the same page and makes no second link.
    clinician.reload()
    expect(clinician.locator("a.client-link")).to_have_count(0)
    phone = browser.new_page(**PHONE)
    phone.goto(link)
    expect(phone.locator(".vas")).to_have_count(0)  # the start: no SRS lines
    for n in range(1, 10):
        phone.locator(f"input[name='phq-9-{n}'][value='{0 if n == 9 else 2}']").check()
    for n in range(1, 8):
        phone.locator(f"input[name='gad-7-{n}'][value='1']").check()
    phone.locator("button[type=submit]").last.click()
    expect(phone.locator("h1")).to_have_text("Thank you")
    # The clinician's page, never reloaded: the start forms' scores, and only the end left.
    expect(clinician.locator("#live .outcome").first).to_contain_text("PHQ-9 16", timeout=10_000)
    expect(start.locator(".all-stored")).to_be_visible()
    expect(start.locator(".hand-over")).to_be_hidden()
    expect(end.locator(".hand-over")).to_be_visible()
    # The end: the SRS handed over at the kiosk, which offers the SRS alone.
    end.locator("button:has-text('Hand this device to the client')").click()
    expect(clinician.locator("h1")).to_have_text("After your session")
    clinician.wait_for_load_state("load")
    expect(clinician.locator("input[name^='phq-9']")).to_have_count(0)
    for index in range(4):
        clinician.locator(".vas").nth(index).focus()
        clinician.keyboard.press("End")
    clinician.locator("button[type=submit]").first.click()
    expect(clinician.locator("h1")).to_have_text("Thank you")
    clinician.fill("input[name=password]", PASSWORD)
    clinician.click("button:has-text('Unlock')")
    expect(clinician.locator("#live .srs-number")).to_contain_text("SRS 40", timeout=10_000)
    # Everything stored: no hand-over offers anything again.
    expect(clinician.locator(".hand-over:visible")).to_have_count(0)
    assert sorted(Administration.objects.values_list("instrument", flat=True)) == [
        "gad-7", "phq-9", "srs",
    ]  # fmt: skip


def test_a_paper_form_is_entered_and_leaves_what_is_due(
    browser: Browser,  # noqa: F811
    live_server: Any,
    client_pk: int,
) -> None:
    clinician = browser.new_page(**PHONE)
    start_session(clinician, live_server.url, client_pk)
    clinician.locator("div.phase[data-phase=end] a:has-text('SRS')").click()
    expect(clinician.locator("h1")).to_have_text("SRS from paper")
    for n, value in enumerate(("3.1", "4,0", "2.9", "11"), start=1):
        clinician.fill(f"input[name='srs-{n}']", value)
    # A browser would stop "11" by its pattern; sent anyway, the server names the line.
    clinician.evaluate("document.querySelector('form.paper-form').noValidate = true")
    clinician.click("button:has-text('Store the paper form')")
    error = clinician.locator("#srs-4-error")
    expect(error).to_contain_text("Overall: give centimetres from 0.0 to 10.0")
    expect(clinician.locator("input[name='srs-4']")).to_be_focused()
    clinician.fill("input[name='srs-4']", "3.0")
    clinician.click("button:has-text('Store the paper form')")
    expect(clinician.locator("[role=alert]").first).to_contain_text("SRS entered from paper")
    expect(clinician.locator("#live .srs-number")).to_contain_text("SRS 13", timeout=10_000)
    expect(clinician.locator("div.phase[data-phase=end] .all-stored")).to_be_visible()
    stored = Administration.objects.get()
    assert (stored.total, stored.entered_from) == (13.0, "paper")
