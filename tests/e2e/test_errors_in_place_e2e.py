"""Errors where the eye is: a form on the client page that is refused comes back opened, with
its error beside it and the focus in it, never as a page that seems to have done nothing."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, expect

from .test_session_feedback_e2e import browser, client_pk, pytestmark, sign_in  # noqa: F401


def test_a_refused_plan_opens_at_the_plan_with_its_error(
    browser: Browser,  # noqa: F811
    live_server: Any,
    client_pk: int,  # noqa: F811
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, has_touch=True)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/clients/{client_pk}/")
    page.click("summary:has-text('Measure plan')")
    page.fill("input[name=wai_windows]", "3-x")
    page.click("button:has-text('Save plan')")
    plan = page.locator("details#plan")
    expect(plan).to_have_attribute("open", "")
    error = plan.locator("#placed-problem")
    expect(error).to_contain_text("a window is written like 3-4 or 8")
    expect(error).to_be_in_viewport()
    expect(plan.locator("input:not([type=hidden])").first).to_be_focused()


def test_a_refused_rupture_opens_at_its_form_with_its_error(
    browser: Browser,  # noqa: F811
    live_server: Any,
    client_pk: int,  # noqa: F811
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/clients/{client_pk}/")
    page.click("text=Start a session")
    page.goto(f"{live_server.url}/clients/{client_pk}/")
    page.click("summary:has-text('Record a rupture')")
    # No type chosen, and the browser's own check passed by: the server refuses.
    page.evaluate("document.querySelector('form.rupture-form').noValidate = true")
    page.click("form.rupture-form button[type=submit]")
    form = page.locator("details#record-rupture")
    expect(form).to_have_attribute("open", "")
    expect(form.locator("#placed-problem")).to_be_visible()
    expect(form.locator("#placed-problem")).to_be_in_viewport()
