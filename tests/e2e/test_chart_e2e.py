"""End to end in Debian's chromium: the client chart draws under the app's
Content-Security-Policy (no inline script, no eval), on a desktop and on a phone; an SRS of 13
is drawn inside its panel, each legend lists only what is drawn, and the chart is
photographed at a phone's, a tablet's and a desktop's width (into /tmp/shots/e-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from alliance.care.models import Client, Episode
from alliance.care.services.administrations import import_episode_forms
from alliance.care.services.ruptures import record_repair_step, record_rupture
from alliance.measures import score

from ..cast import client_of, phq9, srs
from .test_session_feedback_e2e import PHONE, browser, client_pk, pytestmark, sign_in  # noqa: F401

SHOTS = Path("/tmp/shots")
SHAPES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
    "tablet": {"viewport": {"width": 768, "height": 1024}, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
# The SRS by session: a fall to 13 at session 3 (the relationship and the approach lowest),
# back at session 4.
SRS = [srs(9.5), srs(9.4), {"1": 2.5, "2": 3.5, "3": 3.0, "4": 4.0}, srs(9.6), srs(9.5)]
# The WAI-SR at sessions 3 and 5: the bond lowest at 3, all alike at 5.
WAI = {3: {str(n): 2 if n in (3, 5, 7, 9) else 4 for n in range(1, 13)},
       5: {str(n): 4 for n in range(1, 13)}}  # fmt: skip
# Each mark's box and its panel's plot area, in the page's pixels.
BOXES = """(label) => {
  const mark = document.querySelector(`#chart path[aria-label="${label}"]`);
  const group = mark.closest("g.role-scope[class*='concat_']");
  const plot = group.querySelector(":scope > g > path.background");
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  };
  return {mark: box(mark), plot: box(plot)};
}"""
LEGENDS = """() => [...document.querySelectorAll('#chart .role-legend')].map(
  legend => [...legend.querySelectorAll('.role-legend-label text')].map(t => t.textContent))"""


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


def chart_page(chromium: Browser, base: str, client: Client, shape: dict[str, Any]) -> Page:
    page = chromium.new_page(**shape)
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    sign_in(page, base)
    page.goto(f"{base}/clients/{client.pk}/")
    expect(page.locator("#chart svg").first).to_be_visible(timeout=15_000)
    expect(page.locator('#chart path[aria-label="SRS 13 at session 3"]')).to_have_count(1)
    assert problems == []
    return page


def test_an_srs_of_13_is_drawn_inside_its_panel_and_the_legends_list_what_is_drawn(
    browser: Browser,  # noqa: F811
    live_server: Any,
    clinician: User,
) -> None:
    # clinician1's client with the fall to 13 and, at that session, a self-harm answer; the
    # withdrawal recorded there, noticed then, marked and explored at the next session.
    forms = [(n, "srs", answers) for n, answers in enumerate(SRS, 1)]
    forms += [(n, "phq-9", phq9(2 if n == 3 else 0)) for n in range(1, len(SRS) + 1)]
    forms += [(n, "wai-sr", answers) for n, answers in WAI.items()]
    client = client_of(clinician, "E-13", forms)
    rupture = record_rupture(
        episode=client.episodes.get(), session_number=3, rupture_type="withdrawal",
        noticed_via="scores", user=clinician,
    )  # fmt: skip
    for step, session in (("noticed", 3), ("marked", 4), ("explored", 4)):
        record_repair_step(rupture=rupture, step=step, session_number=session, user=clinician)
    SHOTS.mkdir(exist_ok=True)
    for name, shape in SHAPES.items():
        page = chart_page(browser, live_server.url, client, shape)
        boxes = page.evaluate(BOXES, "SRS 13 at session 3")
        mark, plot = boxes["mark"], boxes["plot"]
        assert plot["bottom"] - plot["top"] > 100, boxes  # the SRS panel, not an axis
        assert plot["left"] <= mark["left"] and mark["right"] <= plot["right"], (name, boxes)
        assert plot["top"] <= mark["top"] and mark["bottom"] <= plot["bottom"], (name, boxes)
        # The SRS's legend: the drop and the return the scores suggest, the withdrawal and
        # the repair steps recorded (no confrontation, nothing unclear); the symptoms': the
        # PHQ-9 and the self-harm answer (no GAD-7 filled); the SRS lines': their colours
        # from 0 to 10; the WAI-SR's: its two sessions.
        assert page.evaluate(LEGENDS) == [
            ["drop (scores)", "return (scores)", "withdrawal", "repair step (N, M, E)"],
            ["PHQ-9", "self-harm answer"],
            ["0", "5", "10"],
            ["S3", "S5"],
        ]
        expect(page.locator("figcaption")).to_contain_text("N noticed, M marked")
        harm = page.locator('#chart [aria-label="self-harm answer (PHQ-9 item 9) at session 3"]')
        expect(harm).to_have_count(1)
        # The SRS lines: a cell a line and session, the lowest of session 3 said so.
        cells = page.locator("#chart path[aria-label*=' of 10 at session ']")
        expect(cells).to_have_count(4 * len(SRS))
        low = '#chart [aria-label="Relationship 2.5 of 10 at session 3, the lowest line"]'
        expect(page.locator(low)).to_have_count(1)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= shape["viewport"]["width"]
        size = "x".join(str(v) for v in shape["viewport"].values())
        page.locator("#chart").screenshot(path=str(SHOTS / f"e-{name}-{size}.png"))
        page.close()
