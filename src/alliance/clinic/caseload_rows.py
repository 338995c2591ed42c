"""The caseload table's rows written as HTML once, here, as the client page writes its cards
(`client_cards`): every value formatted once and escaped as the template's autoescape would
escape it, the dates as the `date` filter writes them, the SRS as `floatformat:"-1"` does.

A page lists up to 100 clients. A template loop over them (each variable a lookup, each
filter a call with its own format lookups, each label worked out from its signal kind on
every read) cost more than all the page's queries, and was most of what a full page costs
beyond a small one. The table's fixed parts stay in `clinic/caseload_table.html`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe

from alliance.care.dates import day_shown
from alliance.care.labels import signal_label
from alliance.care.models import Client

from .client_cards import PkUrl, escaped

TENTH = Decimal("0.1")
NOTHING = '<span class="quiet">\N{EN DASH}</span>'  # a score not there


def caseload_rows(clients: Iterable[Client]) -> SafeString:
    """A row a client: the code (to their page), the last session and its date (and the
    episode's end), the latest SRS, the latest outcome scores with their bands, and what
    needs attention (the headline signal, the others grouped under it)."""
    page = PkUrl.of("client")
    point = str(get_format("DECIMAL_SEPARATOR"))
    labels = _Labels()
    return mark_safe("".join([
        f'\n    <tr class="attention-{client.attention}">\n'
        f'      <th scope="row" class="code"><a href="{page.to(client.pk)}">'
        f"{escaped(client.code)}</a></th>\n"
        f'      <td data-label="Last session" class="last">{_last_session(client)}</td>\n'
        f'      <td data-label="SRS" class="num">{_srs(client.latest_srs, point)}</td>\n'
        f'      <td data-label="Outcome">{_outcomes(client.latest_outcomes)}</td>\n'
        f'      <td data-label="Needs attention">{_attention(client, labels)}</td>\n'
        "    </tr>\n  "
        for client in clients
    ]))  # fmt: skip


def _last_session(client: Client) -> str:
    if client.last_session:
        held = day_shown(client.last_session_on) if client.last_session_on else ""
        cell = (
            f'<span class="nowrap">Session {client.last_session}</span> '
            f'<span class="nowrap quiet">{held}</span>'
        )
    else:
        cell = '<span class="quiet">none yet</span>'
    if client.episode_ended_on:
        cell += f' <span class="tag ended">ended {day_shown(client.episode_ended_on)}</span>'
    return cell


def _srs(total: float | None, point: str) -> str:
    if total is None:
        return NOTHING
    return f'<span class="score">{srs_shown(total, point)}</span><span class="quiet">/40</span>'


def srs_shown(total: float, point: str = ".") -> str:
    """As `floatformat:"-1"` prints a total: whole as a whole number ("38"), else to one
    decimal, half up, from the float's shortest text ("38.25" -> "38.3", "38.04" -> "38.0");
    `point` the locale's decimal separator."""
    exact = Decimal(str(total))
    _, digits, exponent = exact.as_tuple()
    # What floatformat does not round (not a finite number, or one past 200 digits, such as
    # 2e-313) it prints as it is.
    if not exact.is_finite() or len(digits) + abs(int(exponent)) > 200:
        return str(total)
    if exact == int(exact):
        return str(int(exact))
    rounded = exact.quantize(TENTH, ROUND_HALF_UP)
    return str(rounded if rounded else rounded.copy_abs()).replace(".", point)


def _outcomes(outcomes: list[dict[str, Any]]) -> str:
    if not outcomes:
        return NOTHING
    return "".join([
        f'<span class="outcome">{escaped(outcome["label"])} '
        f'<span class="score">{escaped(outcome["shown"])}</span>'
        + (f' <span class="quiet">{escaped(outcome["band"])}</span>' if outcome["band"] else "")
        + "</span>"
        for outcome in outcomes
    ])  # fmt: skip


class _Labels(dict[str, str]):
    """Each signal kind's label as people read it, escaped: worked out once a page, not on
    every read as the client's `headline_label` and `also_labels` are."""

    def __missing__(self, kind: str) -> str:
        self[kind] = escaped(signal_label(kind))
        return self[kind]


def _attention(client: Client, labels: _Labels) -> str:
    if not client.headline_kind:
        return '<span class="quiet">nothing pressing</span>'
    severity = escaped(client.headline_severity)
    cell = f'<span class="tag {severity}">{labels[client.headline_kind]}</span>'
    if client.also_kinds:
        also = ", ".join([labels[kind] for kind in client.also_kinds])
        cell += f' <span class="quiet">also {also}</span>'
    return cell
