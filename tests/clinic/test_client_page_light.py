"""The client page stays light on a long course: as many queries at 40 sessions as at 4, the
table's values formatted once (as the template filters printed them), and the page's many
forms pointing at the right addresses without reversing a URL a row."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.care.models import SignalRecord
from alliance.care.services.ruptures import record_rupture
from alliance.clinic.client_views import PkUrl

from ..cast import client_of, phq9, signed_in, srs

pytestmark = pytest.mark.django_db


def queries_for(clinician: User, code: str, sessions: int) -> int:
    # Every session a drop or a return, an alliance concern, a PHQ-9: signals at each one.
    forms = [(n, "srs", srs(7.0 if n % 2 else 9.6)) for n in range(1, sessions + 1)]
    forms += [(n, "phq-9", phq9(1 if n == 2 else 0)) for n in range(1, sessions + 1)]
    client = client_of(clinician, code, forms)
    record_rupture(episode=client.episodes.get(), session_number=3, rupture_type="withdrawal",
                   noticed_via="scores", user=clinician)  # fmt: skip
    browser = signed_in(clinician)
    browser.get(f"/clients/{client.pk}/")  # the session's first page loads what it caches
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(f"/clients/{client.pk}/").status_code == 200
    return len(queries)


def test_a_long_course_costs_no_more_queries_than_a_short_one(clinician: User) -> None:
    short = queries_for(clinician, "Q-4", 4)
    long = queries_for(clinician, "Q-40", 40)
    assert SignalRecord.objects.filter(episode__client__code="Q-40").count() > 40
    assert long == short


def test_the_table_shows_each_total_as_the_date_and_number_filters_did(clinician: User) -> None:
    forms = [(1, "srs", srs(9.5)), (1, "phq-9", phq9(0)),
             (2, "srs", {"1": 8.6, "2": 8.7, "3": 8.6, "4": 8.6}),
             (3, "phq-9", phq9(1))]  # fmt: skip
    client = client_of(clinician, "T-1", forms)
    page = signed_in(clinician).get(f"/clients/{client.pk}/").content.decode()
    table = page[page.index('<table class="chart">') : page.index("</table>")]
    row = r"<tr><td class=\"num\">(\d+)</td><td class=\"date\">([^<]+)</td>(.*?)</tr>"
    rows = re.findall(row, table)
    cells = [(n, date, re.findall(r'<td class="num">([^<]+)</td>', rest)) for n, date, rest in rows]
    # Session n is held n weeks after 2 March 2026; columns: SRS, PHQ-9.
    assert cells == [
        ("1", "9 Mar", ["38", "8"]),
        ("2", "16 Mar", ["34.5", "\N{EN DASH}"]),
        ("3", "23 Mar", ["\N{EN DASH}", "9"]),
    ]


def test_the_pages_forms_post_to_their_own_objects(clinician: User) -> None:
    lines = [9.5, 9.5, 7.0, 9.6]
    client = client_of(clinician, "F-1", [(n, "srs", srs(v)) for n, v in enumerate(lines, 1)])
    rupture = record_rupture(
        episode=client.episodes.get(), session_number=3, rupture_type="withdrawal",
        noticed_via="scores", user=clinician,
    )  # fmt: skip
    page = signed_in(clinician).get(f"/clients/{client.pk}/").content.decode()
    # The signals still to act on (recording the rupture settled the drop's) have forms.
    signals = (
        SignalRecord.objects.with_acknowledgement()
        .filter(episode__client=client, acknowledged=False)
        .exclude(severity="info")
    )
    assert signals.count() >= 2
    actions = set(re.findall(r'<form method="post" action="([^"]+)"', page))
    assert {reverse("signal-acknowledge", args=[s.pk]) for s in signals} <= actions
    assert reverse("repair-step", args=[rupture.pk]) in actions
    assert reverse("rupture-outcome", args=[rupture.pk]) in actions
    # Each form carries the page's one CSRF token.
    assert page.count('name="csrfmiddlewaretoken"') == len(re.findall(r"<form ", page))


def test_a_url_reversed_once_names_any_object() -> None:
    url = PkUrl.of("repair-step")
    assert f"{url.head}7{url.tail}" == reverse("repair-step", args=[7])
    assert f"{url.head}987654321{url.tail}" == reverse("repair-step", args=[987654321])
