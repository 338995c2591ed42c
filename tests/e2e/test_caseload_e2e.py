"""End to end in Debian's chromium: the caseload as a working list on a phone (390 px: each
client a stacked card, the code first, nothing wider than the screen) and on a desktop
(1280 px: one table), searched and filtered through its form; photographed into
/tmp/shots/f-*.png, with the discharge and transfer pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from alliance.care.models import Client

from ..cast import PASSWORD, client_of, member, phq9, srs
from .test_session_feedback_e2e import browser, pytestmark, sign_in  # noqa: F401

SHOTS = Path("/tmp/shots")
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# Each row's code cell and the viewport's width, in the page's pixels.
CODE_CELLS = """() => [...document.querySelectorAll('table.caseload tbody th.code')].map(cell => {
  const r = cell.getBoundingClientRect();
  return {left: r.left, right: r.right, width: r.width};
})"""


def gad7(each: int) -> dict[str, int]:
    return {str(n): each for n in range(1, 8)}


def working_caseload(clinician: User) -> Client:
    """clinician1's caseload: a safety answer, a warning, the calm, an ORS client, one just
    added; returns the one whose course is to be closed."""
    client_of(clinician, "C-0107", [(1, "srs", srs(9.8)), (1, "phq-9", phq9(2)),
                                    (1, "gad-7", gad7(2))])  # fmt: skip
    client_of(clinician, "B-0042", [(1, "srs", srs(9.8)), (1, "phq-9", phq9(0)),
                                    (2, "srs", srs(7.0)), (2, "phq-9", phq9(0))])  # fmt: skip
    forms = [(n, "srs", srs(9.6)) for n in range(1, 7)]
    forms += [(1, "phq-9", {str(n): 2 for n in range(1, 10)} | {"9": 0}), (6, "phq-9", phq9(0)),
              (1, "gad-7", gad7(2)), (6, "gad-7", gad7(1))]  # fmt: skip
    calm = client_of(clinician, "A-0003", forms)
    client_of(clinician, "O-0311", [(1, "srs", srs(9.5)), (1, "ors", {str(n): 5.2 for n in
                                                                     range(1, 5)})],
              plan={"every_session": ["srs", "ors"]})  # fmt: skip
    client_of(clinician, "N-0500")
    return calm


def signed_in_page(
    chromium: Browser, base: str, shape: dict[str, Any], path: str = "/", heading: str = "Caseload"
) -> Page:
    page = chromium.new_page(**shape)
    # Every stylesheet and script the page asks for is there (the browser's own request for
    # a favicon, which the app does not serve, is not the page's).
    missing: list[str] = []
    page.on("response", lambda r: r.status >= 400 and missing.append(r.url))
    sign_in(page, base)
    page.goto(f"{base}{path}")
    expect(page.locator("h1")).to_have_text(heading)
    assert missing == []
    return page


def test_the_caseload_reads_on_a_phone_and_a_desktop(
    browser: Browser,  # noqa: F811
    live_server: Any,
    clinician: User,
) -> None:
    working_caseload(clinician)
    SHOTS.mkdir(exist_ok=True)
    for name, shape in (("phone", PHONE), ("desktop", DESKTOP)):
        page = signed_in_page(browser, live_server.url, shape)
        width = shape["viewport"]["width"]  # type: ignore[index]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        # The caseload's own stylesheet is in force.
        assert (
            page.eval_on_selector("form.caseload-search", "f => getComputedStyle(f).display")
            == "flex"
        )
        cells = page.evaluate(CODE_CELLS)
        assert len(cells) == 5 and all(c["left"] >= 0 and c["right"] <= width for c in cells)
        first = page.locator("table.caseload tbody tr").first
        expect(first.locator("th.code")).to_have_text("C-0107")  # the safety answer first
        expect(first).to_contain_text("PHQ-9 10 moderate")
        size = "x".join(str(v) for v in shape["viewport"].values())  # type: ignore[attr-defined]
        page.screenshot(path=str(SHOTS / f"f-caseload-{name}-{size}.png"), full_page=True)
        if name == "phone":
            # Stacked: the column's name beside each value, the header row out of sight.
            expect(page.locator("table.caseload thead")).not_to_be_in_viewport()
            label = first.locator("td[data-label=SRS]").evaluate(
                "cell => getComputedStyle(cell, '::before').content"
            )
            assert label == '"SRS"'
        page.close()


def test_the_search_and_the_flag_filter_narrow_the_list(
    browser: Browser,  # noqa: F811
    live_server: Any,
    clinician: User,
) -> None:
    working_caseload(clinician)
    page = signed_in_page(browser, live_server.url, PHONE)
    page.fill("input[name=code]", "b-00")
    page.select_option("select[name=match]", "prefix")
    page.click("button:has-text('Show')")
    expect(page.locator("table.caseload tbody th.code")).to_have_text(["B-0042"])
    page.fill("input[name=code]", "")
    page.select_option("select[name=flag]", "none")
    page.click("button:has-text('Show')")
    expect(page.locator("table.caseload tbody th.code")).to_have_text(
        ["A-0003", "N-0500", "O-0311"]
    )
    page.screenshot(path=str(SHOTS / "f-caseload-filtered-phone-390x844.png"), full_page=True)
    page.close()


def test_the_discharge_and_transfer_pages_read_on_a_phone(
    browser: Browser,  # noqa: F811
    live_server: Any,
    clinician: User,
) -> None:
    calm = working_caseload(clinician)
    page = signed_in_page(browser, live_server.url, PHONE, f"/clients/{calm.pk}/discharge/",
                          heading="Close the episode of A-0003")  # fmt: skip
    expect(page.locator("table.outcome-table")).to_contain_text("Recovered")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "f-discharge-phone-390x844.png"), full_page=True)
    page.click("button:has-text('Close the episode')")
    expect(page).to_have_url(f"{live_server.url}/clients/{calm.pk}/#episodes")
    page.close()
    organization = clinician.memberships.get().organization
    member("admin1", organization, "admin")
    member("clinician2", organization, "clinician")
    admin = browser.new_page(**PHONE)  # type: ignore[arg-type]
    admin.goto(f"{live_server.url}/login/")
    admin.fill("input[name=username]", "admin1")
    admin.fill("input[name=password]", PASSWORD)
    admin.click("button[type=submit]")
    admin.goto(f"{live_server.url}/clients/transfer/")
    row = admin.locator("tr", has=admin.locator("th", has_text="A-0003"))
    row.locator("select[name=to]").select_option(label="clinician2")
    row.locator("button:has-text('Move')").click()
    expect(admin.locator("p.record")).to_have_text("A-0003 moved.")
    admin.screenshot(path=str(SHOTS / "f-transfer-phone-390x844.png"), full_page=True)
    assert Client.objects.get(pk=calm.pk).clinician.username == "clinician2"
    admin.close()
