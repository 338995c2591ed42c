"""The caseload as a working list: a search by client code (anywhere in it, or from its start;
any case), a filter by flag (a safety answer not acted on, a warning today, nothing pressing,
a signal kind), and the columns beside the flags (the last session and its date, the latest
SRS, the latest outcome score with its band); a narrowed page costs what a full one does."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.audit.models import AuditEvent
from alliance.care.models import Client

from ..cast import DAY, client_of, phq9, signed_in, srs

pytestmark = pytest.mark.django_db


def gad7(each: int) -> dict[str, int]:
    return {str(n): each for n in range(1, 8)}


def ors(each: float) -> dict[str, float]:
    return {str(n): each for n in range(1, 5)}


def listed(page: str) -> list[str]:
    """The client codes a caseload page lists, in its order."""
    return re.findall(r'<th scope="row" class="code"><a href="/clients/\d+/">([^<]+)</a>', page)


@pytest.fixture
def working_list(clinician: User, colleague: User) -> None:
    """clinician1's caseload: one of each place on it; clinician2's client must never show."""
    client_of(clinician, "A-calm", [(1, "srs", srs(9.8)), (2, "srs", srs(9.8))])
    client_of(clinician, "B-rupture", [(1, "srs", srs(9.8)), (2, "srs", srs(7.0))])
    client_of(clinician, "C-urgent", [(1, "srs", srs(9.8)), (1, "phq-9", phq9(2))])
    client_of(clinician, "ab-lower", [(1, "srs", srs(9.8))])
    client_of(colleague, "A-elsewhere", [(1, "srs", srs(5.0))])


@pytest.mark.usefixtures("working_list")
def test_it_finds_a_code_anywhere_in_it_whatever_the_case(clinician: User) -> None:
    browser = signed_in(clinician)
    assert listed(browser.get("/?code=RUPT").content.decode()) == ["B-rupture"]
    # An "r" anywhere, either case: not A-calm, nor the colleague's A-elsewhere.
    assert listed(browser.get("/?code=R").content.decode()) == [
        "C-urgent", "B-rupture", "ab-lower"
    ]  # fmt: skip


@pytest.mark.usefixtures("working_list")
def test_it_finds_a_code_by_its_start(clinician: User) -> None:
    page = signed_in(clinician).get("/?code=a&match=prefix").content.decode()
    assert listed(page) == ["A-calm", "ab-lower"]
    assert "2 clients match code starting “a”" in page
    assert '<option value="prefix" selected>' in page  # the form shows what was asked


@pytest.mark.usefixtures("working_list")
def test_it_filters_by_place_on_the_caseload(clinician: User) -> None:
    browser = signed_in(clinician)
    assert listed(browser.get("/?flag=safety").content.decode()) == ["C-urgent"]
    assert listed(browser.get("/?flag=warning").content.decode()) == ["B-rupture"]
    assert listed(browser.get("/?flag=none").content.decode()) == ["A-calm", "ab-lower"]


@pytest.mark.usefixtures("working_list")
def test_it_filters_by_a_signal_kind_as_headline_or_among_the_others(clinician: User) -> None:
    browser = signed_in(clinician)
    # B-rupture's headline is the alliance concern; the possible rupture is grouped under it.
    assert listed(browser.get("/?flag=possible_rupture").content.decode()) == ["B-rupture"]
    assert listed(browser.get("/?flag=alliance_concern").content.decode()) == ["B-rupture"]
    assert listed(browser.get("/?flag=self_harm_risk").content.decode()) == ["C-urgent"]
    assert listed(browser.get("/?flag=not_on_track").content.decode()) == []


@pytest.mark.usefixtures("working_list")
def test_a_search_and_a_flag_narrow_together_in_the_caseloads_order(clinician: User) -> None:
    browser = signed_in(clinician)
    page = browser.get("/?code=-&flag=none").content.decode()
    assert listed(page) == ["A-calm", "ab-lower"]
    assert listed(browser.get("/?code=calm&flag=warning").content.decode()) == []
    assert "No client matches." in browser.get("/?code=calm&flag=warning").content.decode()


@pytest.mark.usefixtures("working_list")
def test_a_search_it_cannot_read_is_said_and_the_whole_caseload_shown(clinician: User) -> None:
    browser = signed_in(clinician)
    page = browser.get("/?code=%25%27%20or%201%3D1").content.decode()  # "%' or 1=1"
    assert "search with part of a client code" in page
    assert len(listed(page)) == 4
    page = browser.get("/?flag=items").content.decode()
    assert "choose a flag from the list to filter by" in page and len(listed(page)) == 4


def test_the_columns_show_the_last_session_the_srs_and_the_outcome_with_its_band(
    clinician: User,
) -> None:
    client_of(clinician, "P-1", [(1, "srs", srs(9.0)), (1, "phq-9", phq9(0)),
                                 (1, "gad-7", gad7(2)), (2, "srs", srs(8.5))])  # fmt: skip
    client_of(clinician, "O-1", [(1, "srs", srs(9.0)), (1, "ors", ors(5.0))],
              plan={"every_session": ["srs", "ors"]})  # fmt: skip
    page = signed_in(clinician).get("/").content.decode()
    p1 = page[page.index(">P-1<") :].split("</tr>")[0]
    held = (DAY + dt.timedelta(weeks=2)).strftime("%-d %b %Y")
    assert "Session 2" in p1 and held in p1
    assert '<span class="score">34</span><span class="quiet">/40</span>' in p1  # 4 x 8.5
    assert 'PHQ-9 <span class="score">8</span> <span class="quiet">mild</span>' in p1
    assert 'GAD-7 <span class="score">14</span> <span class="quiet">moderate</span>' in p1
    o1 = page[page.index(">O-1<") :].split("</tr>")[0]
    assert 'ORS <span class="score">20</span> <span class="quiet">clinical range</span>' in o1
    assert "PHQ-9" not in o1  # the ORS plan's measure only


def test_the_page_links_keep_the_search_and_the_filter(clinician: User) -> None:
    Client.objects.bulk_create(caseload_rows(clinician, 105, all_calm=True))
    page = signed_in(clinician).get("/?code=q&flag=none").content.decode()
    assert "1\N{EN DASH}100 of 105 clients" in page
    assert 'href="?code=q&amp;flag=none&amp;page=2"' in page
    second = signed_in(clinician).get("/?code=q&flag=none&page=2").content.decode()
    assert len(listed(second)) == 5


def test_a_supervisor_narrows_the_supervisees_caseload_too(
    supervisor: User, clinician: User
) -> None:
    client_of(clinician, "S-calm", [(1, "srs", srs(9.8))])
    client_of(clinician, "S-urgent", [(1, "phq-9", phq9(1))])
    page = signed_in(supervisor).get("/?flag=safety").content.decode()
    assert listed(page) == ["S-urgent"]


def test_the_audit_entry_lists_only_the_clients_shown(clinician: User) -> None:
    client_of(clinician, "K-1", [(1, "srs", srs(9.8))])
    shown = client_of(clinician, "K-2", [(1, "phq-9", phq9(1))])
    signed_in(clinician).get("/?flag=safety")
    entry = AuditEvent.objects.filter(object_type="caseload").latest("id")
    assert entry.client_ids == [shown.pk]


def caseload_rows(clinician: User, count: int, *, all_calm: bool = False) -> list[Client]:
    """`count` clients stored as the caseload reads them (their place and columns already
    worked out), for the size of a caseload rather than its history; each code holds "Q".
    By turns nothing pressing, a warning and a safety answer, unless `all_calm`."""
    organization = clinician.memberships.get().organization
    places = [(2, "", 99), (1, "alliance_concern", 1), (0, "self_harm_risk", 0)]
    rows = []
    for n in range(count):
        attention, kind, rank = places[0 if all_calm else n % 3]
        rows.append(Client(
            organization=organization, clinician=clinician, code=f"Q-{n:04d}",
            attention=attention, headline_kind=kind, headline_rank=rank,
            headline_severity={0: "urgent", 1: "warning"}.get(attention, ""),
            also_kinds=["possible_rupture"] if attention == 1 else [], last_session=3,
            last_session_on=DAY, latest_srs=34.0,
            latest_outcomes=[{"instrument": "phq-9", "label": "PHQ-9", "total": 8.0,
                              "shown": "8", "band": "mild"}],
        ))  # fmt: skip
    return rows


@pytest.mark.parametrize(
    "query", ["", "?code=q", "?code=Q-00&match=prefix", "?flag=none", "?flag=possible_rupture",
              "?code=q&flag=warning"],
)  # fmt: skip
def test_a_narrowed_page_costs_the_same_queries_at_10_and_200_clients(
    clinician: User, query: str
) -> None:
    browser = signed_in(clinician)
    counts = []
    for size in (10, 200):
        Client.objects.filter(clinician=clinician).delete()
        Client.objects.bulk_create(caseload_rows(clinician, size))
        with CaptureQueriesContext(connection) as queries:
            page = browser.get(f"/{query}").content.decode()
        assert listed(page), (query, size)  # something was listed: the page read its rows
        counts.append(len(queries))
    # Session, user, membership; the count and the page of clients; supervisions; the
    # audit entry (savepoint, the trail's head, insert, head update, release); the session
    # renewed (savepoint, update, release).
    assert counts == [14, 14], query
