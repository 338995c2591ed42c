"""The client page's repeated parts written as HTML once, here: the table's rows, the
timeline's sessions with their signal cards, and the rupture cards with their forms.

A long course repeats these hundreds of times; a template loop over them cost more than all
the page's data (each variable a lookup, each URL a reversal). Here every value is formatted
once and escaped as the template would escape it, and the URLs the cards repeat are reversed
once (`PkUrl`). The page's fixed parts stay in `clinic/client.html`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from alliance.care.dates import day_shown
from alliance.care.models import RepairStep, Rupture, SignalAcknowledgement
from alliance.care.services.chart_types import ChartData, SessionRow, SignalCard


@dataclass(frozen=True)
class PkUrl:
    """A URL naming one object, reversed once for a page that names many of its kind:
    the page writes `head`, the object's pk, `tail`."""

    head: str
    tail: str

    @classmethod
    def of(cls, name: str) -> PkUrl:
        marker = "987654321"
        head, tail = reverse(name, args=[int(marker)]).split(marker)
        return cls(head, tail)

    def to(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


@dataclass(frozen=True)
class Forms:
    """What the cards' forms need: whether the member may change the record, the page's one
    CSRF field (each {% csrf_token %} would mask the token anew), the session a step or an
    outcome defaults to, and the forms' addresses."""

    can_edit: bool
    csrf_field: str
    last_session: int | None
    acknowledge: PkUrl
    step: PkUrl
    outcome: PkUrl

    @classmethod
    def of(cls, *, can_edit: bool, csrf_field: str, last_session: int | None) -> Forms:
        return cls(can_edit, csrf_field, last_session, PkUrl.of("signal-acknowledge"),
                   PkUrl.of("repair-step"), PkUrl.of("rupture-outcome"))  # fmt: skip


def escaped(value: str) -> str:
    """As the template's autoescape prints a value (`conditional_escape`, without its
    wrapping of every value in a new string)."""
    return value.__html__() if hasattr(value, "__html__") else escape(value)


_e = escaped  # short, for the f-strings below


def when_shown(moment: dt.datetime) -> str:
    """As the `date` filter prints "j M Y H:i" in the site's time zone: "7 Mar 2026 14:05"."""
    local = localtime(moment)
    return f"{day_shown(local)} {local:%H:%M}"


def _options(choices: Iterable[tuple[str, str]], selected: str | None = None) -> str:
    return "".join(
        f'<option value="{_e(value)}"{" selected" if value == selected else ""}>{_e(label)}'
        "</option>"
        for value, label in choices
    )


def table_rows(chart: ChartData) -> SafeString:
    """The table of scores: a row a session, the cells as care formatted them."""
    # The cells are numbers care formatted (digits, a point, a dash for none): no markup.
    return mark_safe("\n".join(
        f'<tr><td class="num">{row.session_number}</td><td class="date">{_e(row.held_label)}</td>'
        + "".join([f'<td class="num">{cell}</td>' for cell in row.cells]) + "</tr>"
        for row in chart.rows
    ))  # fmt: skip


def timeline(rows: Iterable[SessionRow], forms: Forms) -> SafeString:
    """The timeline's sessions, the latest last: each signal's card (with what was recorded
    about it, and a form to record what was done while nothing is), then what the clinician
    recorded there (ruptures, repair steps, outcomes)."""
    action_options = _options(SignalAcknowledgement.Action.choices)
    return mark_safe("\n".join(_session(row, forms, action_options) for row in rows))


def _session(row: SessionRow, forms: Forms, action_options: str) -> str:
    parts = [
        '<section class="session-signals">\n  <h3>Session '
        f'{row.session_number} <span class="quiet">{_e(row.held_label)} {row.held_on.year}'
        "</span></h3>"
    ]
    parts += (_signal(signal, forms, action_options) for signal in row.signals)
    parts += (
        f'  <p class="event"><strong>Rupture recorded: {_e(r.get_rupture_type_display())}'
        f"</strong>{f'. {_e(r.description)}' if r.description else ''} "
        f'<a href="#r{r.pk}">details</a></p>'
        for r in row.ruptures
    )
    parts += (
        f'  <p class="event record">Repair: {_e(step.get_step_display())}'
        f"{f': {_e(step.note)}' if step.note else ''} "
        f'<span class="quiet">(rupture of session {step.rupture.session_number})</span></p>'
        for step in row.steps
    )
    parts += (
        f'  <p class="event">Rupture of session {r.session_number}: '
        f"{_e(r.get_outcome_display())}{f': {_e(r.outcome_note)}' if r.outcome_note else ''}"
        "</p>"
        for r in row.outcomes
    )
    parts.append("</section>")
    return "\n".join(parts)


def _signal(signal: SignalCard, forms: Forms, action_options: str) -> str:
    severity = _e(signal["severity"])
    records = "".join(
        f'<p class="record">✓ {_e(record.get_action_display())}'
        f'{f": {_e(record.note)}" if record.note else ""} <span class="quiet">'
        f"({_e(record.recorded_by.get_username())}, {when_shown(record.recorded_at)})</span></p>"
        for record in signal["records"]
    )
    card = (
        f'  <div class="signal {severity}" id="s{signal["pk"]}">\n'
        f"    <strong>{_e(signal['label'])}</strong> "
        f'<span class="quiet">({_e(signal["instrument"].upper())}, {severity})</span>\n'
        f"    <p>{_e(signal['explanation'])}</p>\n"
        f'    <p class="action">{_e(signal["suggested_action"])}</p>\n'
    )
    if records:
        card += f"    {records}\n"
    if forms.can_edit and signal["severity"] != "info" and not signal["acknowledged"]:
        required = " (required)" if signal["severity"] == "urgent" else ""
        card += (
            f'    <form method="post" action="{forms.acknowledge.to(signal["pk"])}" class="ack">'
            f"{forms.csrf_field}\n"
            f'      <select name="action" aria-label="What was done">{action_options}</select>\n'
            f'      <input type="text" name="note" maxlength="4000" placeholder="Note{required}" '
            'aria-label="Note">\n'
            '      <button type="submit">Record</button>\n'
            "    </form>\n"
        )
    return card + "  </div>"


def rupture_cards(ruptures: Iterable[Rupture], forms: Forms) -> SafeString:
    """Each recorded rupture: how it showed, its repair steps and its outcome, with the forms
    to record the next step and to set the outcome."""
    return mark_safe("\n".join(_rupture(rupture, forms) for rupture in ruptures))


def _rupture(rupture: Rupture, forms: Forms) -> str:
    steps = "".join(
        f'<li class="record">✓ {_e(step.get_step_display())} (session {step.session_number})'
        f"{f': {_e(step.note)}' if step.note else ''}</li>"
        for step in rupture.step_list
    )
    parts = [
        f'<section class="card rupture" id="r{rupture.pk}">',
        f"  <h3>Session {rupture.session_number}: {_e(rupture.get_rupture_type_display())}</h3>",
        f'  <p class="quiet">{_e(rupture.get_noticed_via_display())} · recorded by '
        f"{_e(rupture.recorded_by.get_username())}, {when_shown(rupture.recorded_at)}</p>",
    ]
    if rupture.marker_labels:
        labels = "".join(f"<li>{_e(label)}</li>" for label in rupture.marker_labels)
        parts.append(f'  <ul class="markers">{labels}</ul>')
    if rupture.description:
        parts.append(f"  <p>{_e(rupture.description)}</p>")
    parts.append(f'  <ol class="steps">\n    {steps}\n  </ol>')
    last = "" if forms.last_session is None else str(forms.last_session)
    session_field = (
        f'<input type="number" name="session_number" min="{rupture.session_number}" '
        f'value="{last}" aria-label="Session" class="session-no">'
    )
    if forms.can_edit and len(rupture.step_list) < 3:
        left = [(v, label) for v, label in RepairStep.Step.choices if v not in rupture.steps_done]
        parts.append(
            f'  <form method="post" action="{forms.step.to(rupture.pk)}" class="ack">'
            f"{forms.csrf_field}\n"
            f'    <select name="step" aria-label="Repair step">{_options(left)}</select>\n'
            f"    {session_field}\n"
            '    <input type="text" name="note" maxlength="4000" placeholder="Note" '
            'aria-label="Note">\n'
            '    <button type="submit">Record step</button>\n'
            "  </form>"
        )
    session = f" (session {rupture.outcome_session})" if rupture.outcome_session else ""
    note = f": {_e(rupture.outcome_note)}" if rupture.outcome_note else ""
    parts.append(
        f"  <p><strong>Outcome:</strong> {_e(rupture.get_outcome_display())}{session}{note}</p>"
    )
    if forms.can_edit:
        outcomes = _options(Rupture.Outcome.choices, selected=rupture.outcome)
        parts.append(
            f'  <form method="post" action="{forms.outcome.to(rupture.pk)}" class="ack">'
            f"{forms.csrf_field}\n"
            f'    <select name="outcome" aria-label="Outcome">{outcomes}</select>\n'
            f"    {session_field}\n"
            '    <input type="text" name="note" maxlength="4000" placeholder="Note" '
            'aria-label="Outcome note">\n'
            '    <button type="submit">Set outcome</button>\n'
            "  </form>"
        )
    parts.append("</section>")
    return "\n".join(parts)
