"""The caseload's rows written once in Python (`clinic.caseload_rows`): the HTML the table's
template loop wrote, byte for byte, for every kind of row (no session yet, an ended episode,
no SRS, outcomes with and without a band, a headline with the others grouped under it), with
what people typed escaped; and on the page, each table (one's own, each supervisee's, a
narrowed one, an empty one, a later page) holds its own clients' rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.template.defaultfilters import floatformat
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.care.dates import day_shown
from alliance.care.models import Client, SignalRecord, Supervision
from alliance.care.services.acknowledgements import acknowledge_signal
from alliance.care.services.caseload import CaseloadFilter, clinician_caseload
from alliance.care.services.episodes import close_episode
from alliance.clinic.caseload_rows import caseload_rows, srs_shown
from alliance.monitoring.priority import KIND_ORDER

from ..cast import client_of, phq9, signed_in, srs

# The table's body as its template wrote it, a loop over the clients: the reference the rows
# written in Python must match.
TEMPLATE_BODY = Template("""  <tbody>
  {% for row in page.object_list %}
    <tr class="attention-{{ row.attention }}">
      <th scope="row" class="code"><a href="/clients/{{ row.pk }}/">{{ row.code }}</a></th>
      <td data-label="Last session" class="last">{% if row.last_session %}<span class="nowrap">Session {{ row.last_session }}</span> <span class="nowrap quiet">{{ row.last_session_on|date:"j M Y" }}</span>{% else %}<span class="quiet">none yet</span>{% endif %}{% if row.episode_ended_on %} <span class="tag ended">ended {{ row.episode_ended_on|date:"j M Y" }}</span>{% endif %}</td>
      <td data-label="SRS" class="num">{% if row.latest_srs is not None %}<span class="score">{{ row.latest_srs|floatformat:"-1" }}</span><span class="quiet">/40</span>{% else %}<span class="quiet">–</span>{% endif %}</td>
      <td data-label="Outcome">{% for outcome in row.latest_outcomes %}<span class="outcome">{{ outcome.label }} <span class="score">{{ outcome.shown }}</span>{% if outcome.band %} <span class="quiet">{{ outcome.band }}</span>{% endif %}</span>{% empty %}<span class="quiet">–</span>{% endfor %}</td>
      <td data-label="Needs attention">{% if row.headline_kind %}<span class="tag {{ row.headline_severity }}">{{ row.headline_label }}</span>{% if row.also_kinds %} <span class="quiet">also {{ row.also_labels|join:", " }}</span>{% endif %}{% else %}<span class="quiet">nothing pressing</span>{% endif %}</td>
    </tr>
  {% empty %}
    <tr><td colspan="5">{% if narrowed.active %}No client matches.{% else %}No clients yet.{% endif %}</td></tr>
  {% endfor %}
  </tbody>""")  # noqa: E501, RUF001


def template_body(clients: list[Client], narrowed: CaseloadFilter | None = None) -> str:
    page = {"object_list": clients}
    return TEMPLATE_BODY.render(Context({"page": page, "narrowed": narrowed or CaseloadFilter()}))


def rows_body(clients: list[Client]) -> str:
    """The body the page's template now writes around the rows."""
    return f"  <tbody>\n  {caseload_rows(clients)}\n  </tbody>"


MARKUP = """<b>&"'"""


def test_it_pins_a_row_with_markup_in_the_code_and_nothing_yet() -> None:
    new = Client(pk=7, code=MARKUP, attention=2, headline_kind="", also_kinds=[],
                 latest_outcomes=[])  # fmt: skip
    assert caseload_rows([new]) == (
        '\n    <tr class="attention-2">\n'
        '      <th scope="row" class="code"><a href="/clients/7/">'
        "&lt;b&gt;&amp;&quot;&#x27;</a></th>\n"
        '      <td data-label="Last session" class="last"><span class="quiet">none yet</span>'
        "</td>\n"
        '      <td data-label="SRS" class="num"><span class="quiet">\N{EN DASH}</span></td>\n'
        '      <td data-label="Outcome"><span class="quiet">\N{EN DASH}</span></td>\n'
        '      <td data-label="Needs attention"><span class="quiet">nothing pressing</span></td>\n'
        "    </tr>\n  "
    )


def test_it_pins_a_row_with_every_column_filled() -> None:
    outcomes = [
        {"instrument": "phq-9", "label": "PHQ-9", "total": 14.0, "shown": "14", "band": "moderate"},
        {"instrument": "ors", "label": "ORS", "total": 21.3, "shown": "21.3", "band": ""},
    ]
    full = Client(pk=12, code="B-0042", attention=1, headline_kind="alliance_concern",
                  headline_severity="warning", also_kinds=["possible_rupture", "alliance_drop"],
                  last_session=12, last_session_on=dt.date(2026, 3, 9), latest_srs=38.25,
                  latest_outcomes=outcomes, episode_ended_on=dt.date(2026, 4, 1))  # fmt: skip
    assert caseload_rows([full]) == (
        '\n    <tr class="attention-1">\n'
        '      <th scope="row" class="code"><a href="/clients/12/">B-0042</a></th>\n'
        '      <td data-label="Last session" class="last"><span class="nowrap">Session 12</span> '
        '<span class="nowrap quiet">9 Mar 2026</span> <span class="tag ended">ended 1 Apr 2026'
        "</span></td>\n"
        '      <td data-label="SRS" class="num"><span class="score">38.3</span>'
        '<span class="quiet">/40</span></td>\n'
        '      <td data-label="Outcome"><span class="outcome">PHQ-9 <span class="score">14</span> '
        '<span class="quiet">moderate</span></span><span class="outcome">ORS '
        '<span class="score">21.3</span></span></td>\n'
        '      <td data-label="Needs attention"><span class="tag warning">Alliance concern</span> '
        '<span class="quiet">also Possible rupture, Alliance drop</span></td>\n'
        "    </tr>\n  "
    )


# What a stored row may hold, typed text with markup in it included.
typed = st.text(max_size=12) | st.sampled_from([MARKUP, "", "a & b", "<script>"])
kinds = st.sampled_from([*KIND_ORDER, "some_new_kind"]) | st.text(max_size=10)
outcome_cells = st.fixed_dictionaries({"label": typed, "shown": typed, "band": typed | st.just("")})
days = st.none() | st.dates(min_value=dt.date(1, 1, 1))
clients = st.builds(
    Client,
    pk=st.integers(min_value=1, max_value=10**9),
    code=typed,
    attention=st.integers(min_value=0, max_value=2),
    headline_kind=st.just("") | kinds,
    headline_severity=st.sampled_from(["warning", "urgent", ""]) | typed,
    also_kinds=st.lists(kinds, max_size=4),
    last_session=st.none() | st.integers(min_value=0, max_value=400),
    last_session_on=days,
    latest_srs=st.none() | st.floats(min_value=0, max_value=40),
    latest_outcomes=st.lists(outcome_cells, max_size=3),
    episode_ended_on=days,
)


@settings(max_examples=300, deadline=None)
@given(listed=st.lists(clients, min_size=1, max_size=5))
def test_it_writes_what_the_template_wrote(listed: list[Client]) -> None:
    assert rows_body(listed) == template_body(listed)


# Ties rounded half up from the float's shortest text, sums of tenths, a tiny and a negative.
SRS_EDGES = [0.0, 0.04, 0.05, 0.25, 9.95, 28.0, 28.04, 28.05, 28.15, 28.25, 38.1, 39.2,
             39.199999999999996, 39.95, 40.0, 0.1 + 0.2, 2.2250738585e-313, -0.04]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(total=st.floats() | st.sampled_from(SRS_EDGES))
def test_the_srs_shows_as_floatformat_shows_it(total: float) -> None:
    assert srs_shown(total) == floatformat(total, "-1")


@given(day=st.dates(min_value=dt.date(1, 1, 1)))
def test_a_day_shows_as_the_date_filter_shows_it(day: dt.date) -> None:
    assert day_shown(day) == Template('{{ day|date:"j M Y" }}').render(Context({"day": day}))


def gad7(each: int) -> dict[str, int]:
    return {str(n): each for n in range(1, 8)}


def ors(each: float) -> dict[str, float]:
    return {str(n): each for n in range(1, 5)}


@pytest.fixture
def varied(clinician: User) -> None:
    """clinician1's caseload: a safety answer, a warning with others under it, one acted on,
    the calm, no session yet, no SRS, ORS scores on both sides of the cutoff, an ended
    episode, and a code with markup in it."""
    client_of(clinician, "A-calm", [(1, "srs", srs(9.8)), (2, "srs", srs(9.8))])
    client_of(clinician, "B-rupture", [(1, "srs", srs(9.8)), (2, "srs", srs(7.0))])
    client_of(clinician, "C-urgent", [(1, "srs", srs(9.8)), (1, "phq-9", phq9(2)),
                                      (1, "gad-7", gad7(2))])  # fmt: skip
    client_of(clinician, "N-none")
    client_of(clinician, MARKUP, [(1, "srs", srs(9.3))])
    client_of(clinician, "P-nosrs", [(1, "phq-9", phq9(0)), (1, "gad-7", gad7(1))])
    client_of(clinician, "O-ors", [(1, "srs", srs(9.5)), (1, "ors", ors(5.2))],
              plan={"every_session": ["srs", "ors"]})  # fmt: skip
    client_of(clinician, "O-well", [(1, "srs", srs(9.1)), (1, "ors", ors(9.2))],
              plan={"every_session": ["srs", "ors"]})  # fmt: skip
    ended = client_of(clinician, "E-ended", [(1, "srs", srs(9.6)), (2, "srs", srs(9.7))])
    close_episode(client=ended, user=clinician)
    acted_on = client_of(clinician, "K-acted", [(1, "srs", srs(9.8)), (2, "srs", srs(7.0))])
    for signal in SignalRecord.objects.in_force().filter(episode__client=acted_on):
        acknowledge_signal(signal=signal, action="discussed", note="", user=clinician)


def bodies(page: str) -> list[str]:
    """Each caseload table's body on a page, in the page's order."""
    return re.findall(r"  <tbody>.*?</tbody>", page, re.S)


def expected(user: User, narrowed: CaseloadFilter | None = None, page: int = 1) -> str:
    listed = list(clinician_caseload(user, None, narrowed)[(page - 1) * 100 : page * 100])
    return template_body(listed, narrowed)


@pytest.mark.django_db
@pytest.mark.usefixtures("varied")
def test_the_page_shows_each_row_as_the_template_did(clinician: User) -> None:
    browser = signed_in(clinician)
    page = browser.get("/").content.decode()
    assert bodies(page) == [expected(clinician)]
    assert MARKUP not in page and "&lt;b&gt;&amp;&quot;&#x27;" in page
    for asked, narrowed in (
        ("code=o", CaseloadFilter(code="o")),
        ("code=o&match=prefix", CaseloadFilter(code="o", prefix=True)),
        ("flag=none", CaseloadFilter(flag="none")),
        ("flag=possible_rupture", CaseloadFilter(flag="possible_rupture")),
    ):
        assert bodies(browser.get(f"/?{asked}").content.decode()) == [
            expected(clinician, narrowed)
        ]  # fmt: skip
    nothing = browser.get("/?code=zzz").content.decode()
    assert bodies(nothing) == [expected(clinician, CaseloadFilter(code="zzz"))]
    assert '<td colspan="5">No client matches.</td>' in nothing


@pytest.mark.django_db
def test_an_empty_caseload_says_so(clinician: User) -> None:
    page = signed_in(clinician).get("/").content.decode()
    assert bodies(page) == [expected(clinician)]
    assert '<td colspan="5">No clients yet.</td>' in page


@pytest.mark.django_db
@pytest.mark.usefixtures("varied")
def test_each_table_holds_its_own_clients_rows(
    organization: Any, clinician: User, supervisor: User, colleague: User
) -> None:
    # supervisor1 supervises clinician1 and clinician2, and holds a client of their own.
    Supervision.objects.create(organization=organization, supervisor=supervisor,
                               supervisee=colleague)  # fmt: skip
    client_of(colleague, "S-2", [(1, "srs", srs(9.0))])
    client_of(supervisor, "Own-1", [(1, "srs", srs(8.0))])
    page = signed_in(supervisor).get("/").content.decode()
    assert bodies(page) == [expected(supervisor), expected(clinician), expected(colleague)]
    assert page.count("Own-1") == 1 and page.count(">S-2<") == 1


@pytest.mark.django_db
def test_a_later_page_and_a_supervisees_first_page(clinician: User, supervisor: User) -> None:
    for n in range(103):
        client_of(clinician, f"Q-{n:03d}", [(1, "srs", srs(9.8))])
    client_of(clinician, "Z-harm", [(1, "phq-9", phq9(2))])
    browser = signed_in(clinician)
    assert bodies(browser.get("/?page=2").content.decode()) == [expected(clinician, page=2)]
    flagged = browser.get("/?flag=none&page=2").content.decode()
    assert bodies(flagged) == [expected(clinician, CaseloadFilter(flag="none"), page=2)]
    supervised = signed_in(supervisor).get("/").content.decode()
    assert bodies(supervised) == [expected(clinician)]
    assert "1\N{EN DASH}100 of 104 clients: the most pressing shown" in supervised
