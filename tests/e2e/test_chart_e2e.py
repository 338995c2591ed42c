"""End to end in Debian's chromium: the client chart draws under the app's
Content-Security-Policy (no inline script, no eval), on a desktop and on a phone."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, expect

from alliance.care.models import Client, Episode
from alliance.care.services.administrations import import_episode_forms
from alliance.measures import score

from ..cast import srs
from .test_session_feedback_e2e import PHONE, browser, client_pk, pytestmark, sign_in  # noqa: F401


def test_the_chart_draws_under_the_content_security_policy(
    browser: Browser,  # noqa: F811
    live_server: Any,
    client_pk: int,  # noqa: F811
) -> None:
    episode = Episode.objects.get(client_id=client_pk)
    forms = [(n, f"2026-03-{n + 1:02d}", "srs", score("srs", srs(line)))
             for n, line in enumerate((9.5, 9.4, 7.0, 9.6), 1)]  # fmt: skip
    import_episode_forms(episode=episode, forms=forms)
    assert get_user_model().objects.count() == 1 and Client.objects.count() == 1
    for viewport in ({"viewport": {"width": 1100, "height": 900}}, PHONE):
        page = browser.new_page(**viewport)  # type: ignore[arg-type]
        problems: list[str] = []
        page.on("console", lambda m, seen=problems: m.type == "error" and seen.append(m.text))
        sign_in(page, live_server.url)
        response = page.goto(f"{live_server.url}/clients/{client_pk}/")
        assert response is not None
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-eval" not in policy
        expect(page.locator("#chart svg").first).to_be_visible(timeout=10_000)
        expect(page.locator("#chart")).to_contain_text("drop (scores)")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= (viewport["viewport"]["width"])  # type: ignore[index]
        assert not [p for p in problems if "Content Security Policy" in p], problems
        page.close()
