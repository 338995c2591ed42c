"""Time from the client's submit to the feedback card on the clinician's session page.

Against a running `alliance demo` (or any install with a clinician account): for each run a
new client is added, a session started and an end-of-session link made; a phone-sized page
fills the SRS by keyboard and presses Send; the clock runs from that press until the
clinician's page (never reloaded) shows the SRS number. Prints each time, the median and the
95th percentile, and the poll interval the page uses, which is the floor the times sit on.

    python bench/bench_feedback_card.py --base http://127.0.0.1:8123 --password PASS [--runs 20]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SESSION_JS = Path(__file__).resolve().parents[1] / "src/alliance/clinic/static/clinic/session.js"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8123")
    parser.add_argument("--username", default="clinician1")
    parser.add_argument("--password", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    options = parser.parse_args()
    poll = re.search(r"setTimeout\(poll, (\d+)\)", SESSION_JS.read_text())
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=options.chromium, args=ARGS)
        clinician = browser.new_page(viewport={"width": 1280, "height": 900})
        clinician.goto(f"{options.base}/login/")
        clinician.fill("input[name=username]", options.username)
        clinician.fill("input[name=password]", options.password)
        clinician.click("button[type=submit]")
        client = clinician.locator("a[href^='/clients/']").first.get_attribute("href")
        for run in range(options.runs):
            clinician.goto(f"{options.base}{client}")
            clinician.click("text=Start a session")
            clinician.locator("div.phase[data-phase=end] button:has-text('Create a link')").click()
            link = clinician.locator("a.client-link").inner_text()
            phone = browser.new_page(viewport={"width": 390, "height": 844}, has_touch=True)
            phone.goto(link)
            phone.wait_for_load_state("load")
            for index in range(4):
                phone.locator(".vas").nth(index).focus()
                phone.keyboard.press("End")
            started = time.perf_counter()
            phone.locator("button[type=submit]").last.click()
            expect(clinician.locator("#live .srs-number")).to_be_visible(timeout=20_000)
            times.append(time.perf_counter() - started)
            phone.close()
            print(f"run {run + 1:2d}: {times[-1]:.2f} s", flush=True)
        browser.close()
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    print(f"submit to card: median {statistics.median(times):.2f} s, p95 {p95:.2f} s, "
          f"max {ordered[-1]:.2f} s over {len(times)} runs; the page polls every "
          f"{int(poll.group(1)) / 1000 if poll else '?'} s")  # fmt: skip


if __name__ == "__main__":
    main()
