"""The progress page and the summary the thank-you page includes: headings from h2 down in
the summary, a chart with a text alternative beside a table of the same numbers, and a
print layout (black on white, no buttons or navigation)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from alliance.care.models import Client
from alliance.progress.services import progress_for

from .conftest import anonymous

pytestmark = pytest.mark.django_db


def test_the_summary_renders_on_its_own_from_h2_down(shared_client: Client) -> None:
    progress = progress_for(shared_client)
    html = render_to_string("progress/summary.html", {"progress": progress})
    headings = re.findall(r"<h(\d)", html)
    assert headings == ["2", "3", "3", "3", "3"]
    # Its own stylesheet comes with it, so the thank-you page needs no change of its own.
    assert '<link rel="stylesheet" href="/static/progress/progress.css">' in html
    charts = re.findall(r'<svg class="progress-chart"[^>]*role="img" aria-label="([^"]+)"', html)
    assert len(charts) == 4
    assert charts[0] == (
        "Line chart of your SRS scores (session 1: 34, session 2: 36, session 3: 38); "
        "Higher means the session felt more right for you."
    )
    assert html.count("<table") == 4 and "<script" not in html
    # The SRS at 34, 36 and 38 of 40 climbs: lower y is higher on the chart.
    line = re.search(r'<polyline class="progress-line" points="([^"]+)"', html)
    assert line is not None
    heights = [float(point.split(",")[1]) for point in line.group(1).split()]
    assert heights == sorted(heights, reverse=True) and len(heights) == 3


def test_the_page_links_its_stylesheet_once_and_carries_a_print_layout(
    progress_token: str,
) -> None:
    page = anonymous().get(f"/p/{progress_token}/").content.decode()
    assert page.count('href="/static/progress/progress.css"') == 1
    assert "<h1>Your progress</h1>" in page and '<meta name="robots" content="noindex' in page
    path = finders.find("progress/progress.css")
    assert isinstance(path, str)
    css = Path(path).read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    assert "background: #fff !important; color: #000 !important" in print_rules
    hidden = r"\.progress-print-hint, button, nav, form[^{]*\{ display: none !important; \}"
    assert re.search(hidden, print_rules)
    assert ".progress-line { stroke: #000; }" in print_rules
