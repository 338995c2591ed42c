"""Accessible by test: axe-core (vendored from the npm registry, its release pinned by checksum)
runs in Debian's chromium on the client's pages (the forms, a refused form, the thank-you and
crisis pages, the kiosk, the progress page) and on the clinician's caseload, client (with the
chart's SVG drawn) and session pages. No serious or critical violation is allowed."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from alliance.care.models import Session
from alliance.care.services.links import create_form_link
from alliance.care.services.sessions import start_session
from alliance.progress.sharing import create_progress_link, set_sharing
from alliance.safety.models import CrisisResources

from ..cast import client_of, phq9, srs
from .test_session_feedback_e2e import browser, pytestmark, sign_in  # noqa: F401

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ")),
  }));
}"""
PLAN = {"every_session": ["srs", "phq-9", "gad-7"], "windows": []}
HISTORY = [
    (n, name, answers)
    for n, line, item9 in [(1, 9.6, 0), (2, 9.4, 0), (3, 3.3, 2), (4, 9.0, 0)]
    for name, answers in [("srs", srs(line)), ("phq-9", phq9(item9))]
]


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def serious_violations(page: Page) -> list[str]:
    """axe's serious and critical violations on the page as it stands."""
    page.add_script_tag(content=axe_source())
    found = page.evaluate(RUN_AXE)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def new_page(chromium: Browser, shape: dict[str, Any]) -> Page:
    # The pages forbid inline script (Content-Security-Policy); axe is added as one.
    return chromium.new_context(bypass_csp=True, **shape).new_page()


def test_the_vendored_axe_is_the_pinned_release() -> None:
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256
    assert axe_source().startswith("/*! axe v4.14.1")
    assert (AXE.parent / "LICENSE").read_text().startswith("Mozilla Public License")


@pytest.fixture
def session(clinician: User, organization: Any) -> Session:
    CrisisResources.objects.create(
        organization=organization,
        message="If you might act on these thoughts, call the crisis line now.",
        phones=[{"label": "Crisis line", "number": "0800 123 456"}],
        response_time="within one working day",
    )
    client = client_of(clinician, "A-11", HISTORY, plan=PLAN)
    return start_session(client=client, held_on=dt.date(2026, 4, 6))


def answer_phq9_and_gad7(page: Page, item9: int) -> None:
    for n in range(1, 10):
        page.locator(f"input[name='phq-9-{n}'][value='{item9 if n == 9 else 1}']").check()
    for n in range(1, 8):
        page.locator(f"input[name='gad-7-{n}'][value='1']").check()


def test_the_clients_pages_have_no_serious_violation(
    browser: Browser,  # noqa: F811
    live_server: Any,
    session: Session,
) -> None:
    base = live_server.url
    _link, token = create_form_link(session=session, instruments=PLAN["every_session"])
    phone = new_page(browser, PHONE)
    phone.goto(f"{base}/f/{token}/")
    assert serious_violations(phone) == [], "the forms"
    # Refused: the lines left unset and a self-harm answer given. The browser's own checks
    # and the page's script are passed by, as an old browser would be.
    answer_phq9_and_gad7(phone, item9=2)
    phone.evaluate("document.querySelector('form').submit()")
    expect(phone.locator(".crisis")).to_be_visible()
    assert serious_violations(phone) == [], "a refused form with the crisis resources"
    for index in range(4):
        phone.locator(".vas").nth(index).focus()
        phone.keyboard.press("End")
    answer_phq9_and_gad7(phone, item9=2)
    phone.locator("button[type=submit]").last.click()
    expect(phone.locator("h1")).to_have_text("Thank you for telling us")
    assert serious_violations(phone) == [], "the crisis page"
    # The next session's SRS: one set of forms per session, so a new session.
    later = start_session(client=session.episode.client, held_on=dt.date(2026, 4, 13))
    _link, token = create_form_link(session=later, instruments=["srs"])
    phone.goto(f"{base}/f/{token}/")
    for index in range(4):
        phone.locator(".vas").nth(index).focus()
        phone.keyboard.press("End")
    phone.locator("button[type=submit]").last.click()
    expect(phone.locator("h1")).to_have_text("Thank you")
    assert serious_violations(phone) == [], "the thank-you page"


def test_the_progress_page_has_no_serious_violation(
    browser: Browser,  # noqa: F811
    live_server: Any,
    session: Session,
    clinician: User,
) -> None:
    client = session.episode.client
    set_sharing(client=client, enabled=True, by=clinician)
    _link, token = create_progress_link(client=client, by=clinician)
    phone = new_page(browser, PHONE)
    phone.goto(f"{live_server.url}/p/{token}/")
    expect(phone.locator("h1")).to_be_visible()
    assert serious_violations(phone) == [], "the progress page"


def test_the_clinicians_pages_have_no_serious_violation(
    browser: Browser,  # noqa: F811
    live_server: Any,
    session: Session,
) -> None:
    base = live_server.url
    for shape in (DESKTOP, PHONE):
        page = new_page(browser, shape)
        sign_in(page, base)
        expect(page.locator("h1")).to_be_visible()
        assert serious_violations(page) == [], f"the caseload at {shape['viewport']}"
        page.goto(f"{base}/clients/{session.episode.client_id}/")
        expect(page.locator("#chart svg").first).to_be_visible(timeout=15_000)
        assert serious_violations(page) == [], f"the client page at {shape['viewport']}"
        page.goto(f"{base}/sessions/{session.pk}/")
        page.click("text=Create a link for the client")
        expect(page.locator("a.client-link")).to_be_visible()
        assert serious_violations(page) == [], f"the session page at {shape['viewport']}"
        page.context.close()


def test_the_kiosk_has_no_serious_violation(
    browser: Browser,  # noqa: F811
    live_server: Any,
    session: Session,
) -> None:
    tablet = new_page(browser, {"viewport": {"width": 768, "height": 1024}, "has_touch": True})
    sign_in(tablet, live_server.url)
    tablet.goto(f"{live_server.url}/sessions/{session.pk}/")
    tablet.click("text=Hand this device to the client")
    tablet.wait_for_load_state("load")
    assert serious_violations(tablet) == [], "the kiosk's forms"
    for index in range(4):
        tablet.locator(".vas").nth(index).focus()
        tablet.keyboard.press("End")
    answer_phq9_and_gad7(tablet, item9=1)
    tablet.locator("button[type=submit]").first.click()
    expect(tablet.locator(".crisis")).to_be_visible()
    assert serious_violations(tablet) == [], "the kiosk's crisis page"
