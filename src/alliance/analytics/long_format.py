"""Reading a caseload in long format, one row per item answer, one client at a time.

Columns: client_id, session, date, instrument, item, value; optional clinician_id and
respondent. CSV (with a header) or JSON lines. A client's rows must be contiguous (any
export grouped or sorted by client is), which is what lets a file of any size be read
with the memory of one client.

Nothing is lost without a word: a bad row, or a form that cannot be scored, is left out and
reported as a problem (a form with a bad row is left out whole, never scored in part); a
row repeated word for word is counted once and dates that go backwards are reported as
notes. A PHQ-9 whose item 9 is endorsed raises the urgent self-harm signal even when the
form is left out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

from alliance.measures import ScoringError, score
from alliance.monitoring import ScoredAdministration, ScoredEpisode, Signal
from alliance.monitoring.symptoms import SELF_HARM_ITEM_MIN, self_harm_signal
from alliance.monitoring.types import Respondent

from .file_rows import (
    CLIENT,
    CLINICIAN,
    DATE,
    INSTRUMENT,
    ITEM,
    RESPONDENT,
    SESSION,
    VALUE,
    FieldReader,
    Fields,
    InputError,
    Note,
    OnNote,
    OnProblem,
    open_rows,
    report_or_raise,
)

__all__ = ["ClientBlock", "InputError", "Note", "open_rows", "read_clients"]


@dataclass(slots=True)
class ClientBlock:
    """One client's episode as read, and what was reported on the way.

    `alerts` holds safety signals from PHQ-9 forms that were left out (a missing item, a bad
    row, two different answers to one item) but endorse item 9: a refused form must not hide
    a self-harm answer.
    """

    episode: ScoredEpisode
    rows: int
    problems: list[InputError] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    alerts: list[Signal] = field(default_factory=list)


FormKey = tuple[int, str, str]  # session, instrument, respondent
Answer = tuple[str, float, int]  # item, value, line
LEFT_OUT = "; the form is left out"


class _Client:
    """The rows of one client, gathered into forms as they are read."""

    __slots__ = ("clashes", "client_id", "clinician", "date_lines", "dates", "forms", "notes",
                 "problems", "rows", "tainted")  # fmt: skip

    def __init__(self, client_id: str) -> None:
        self.client_id = client_id
        self.clinician: str | None = None
        self.forms: dict[FormKey, list[Answer]] = {}
        # Forms with a bad row, left out whole; the valid item-9 answers of their bad rows.
        self.tainted: dict[FormKey, list[Answer]] = {}
        self.dates: dict[int, dt.date] = {}
        self.date_lines: dict[int, int] = {}  # the line that gave each session its date
        self.clashes: set[int] = set()  # sessions whose rows give two dates
        self.problems: list[InputError] = []
        self.notes: list[Note] = []
        self.rows = 0

    def see_date(self, session: int, date: dt.date, line: int) -> None:
        known = self.dates.get(session)
        if known is None:
            self.dates[session], self.date_lines[session] = date, line
        elif known != date and session not in self.clashes:
            self.clashes.add(session)  # one note a session
            self.notes.append(Note(line, self.client_id, session, None,
                                   f"dated {date}, but line {self.date_lines[session]} dates the "
                                   f"same session {known}: {known} is kept"))  # fmt: skip


def _add_checked(
    reader: FieldReader, client: _Client, line: int, fields: Fields, on_problem: OnProblem | None
) -> None:
    """Add one row the fast path refused, or report what is wrong with it."""
    try:
        instrument, default = reader.instrument(fields[INSTRUMENT])
        session = reader.session(fields[SESSION])
    except ValueError as exc:
        problem = InputError(line, f"{exc}; the row is left out", client=client.client_id)
        client.problems.append(problem)
        report_or_raise(problem, on_problem)
        return
    key = (session, instrument, default)
    try:
        date = reader.date(fields[DATE])
        value = reader.value(fields[VALUE])
        reader.respondent(fields[RESPONDENT], instrument, default)
    except ValueError as exc:
        # The form is left out whole; a valid item-9 answer on the bad row still counts.
        salvaged = client.tainted.setdefault(key, [])
        if instrument == "phq-9" and fields[ITEM] == "9":
            with contextlib.suppress(ValueError):
                salvaged.append(("9", reader.value(fields[VALUE]), line))
        problem = _form_error(client, key, line, f"{exc}{LEFT_OUT}")
        client.problems.append(problem)
        report_or_raise(problem, on_problem)
        return
    client.forms.setdefault(key, []).append((fields[ITEM], value, line))
    if date is not None:
        client.see_date(session, date, line)
    client.rows += 1


def _form_error(client: _Client, key: FormKey, line: int, message: str) -> InputError:
    return InputError(line, message, client=client.client_id, session=key[0], instrument=key[1])


@dataclass(slots=True)
class _Skipped:
    """The rows of a client met again after other clients: left out, reported once."""

    client_id: str
    first: int
    last: int
    rows: int = 1

    def problem(self) -> InputError:
        rows = f"{self.rows} rows here (lines {self.first}-{self.last}) are"
        return InputError(
            self.first,
            f"appears again after other clients: its {'row here is' if self.rows == 1 else rows} "
            "left out; the file must be grouped by client (sort it by client_id, session)",
            client=self.client_id,
        )


def read_clients(
    rows: Iterator[tuple[int, Fields]],
    on_problem: OnProblem | None = None,
    on_note: OnNote | None = None,
) -> Iterator[ClientBlock]:
    """Group rows into clients and score each administration.

    Each problem (a bad row or form, left out) goes to `on_problem`, or without it raises
    `InputError`; each note (nothing left out) goes to `on_note`.
    """
    reader = FieldReader()
    instruments, dates = reader.instruments, reader.dates
    seen: set[str] = set()
    client: _Client | None = None
    skipped: _Skipped | None = None
    current = None  # the client_id field of the rows being read, as written
    for line, fields in rows:
        client_id = fields[CLIENT]
        if client_id != current:
            stripped = client_id.strip()
            if not stripped:
                report_or_raise(InputError(line, "client_id is empty; the row is left out"),
                                on_problem)  # fmt: skip
                continue
            current = client_id
            if client is not None and stripped == client.client_id:
                pass
            elif skipped is not None and stripped == skipped.client_id:
                client = None
            else:
                if skipped is not None:
                    report_or_raise(skipped.problem(), on_problem)
                    skipped = None
                if client is not None:
                    yield _episode(client, on_problem, on_note)
                    client = None
                if stripped in seen:
                    if on_problem is None:
                        raise InputError(
                            line,
                            "appears again after other clients; the file must be grouped by "
                            "client (sort it by client_id, session)",
                            client=stripped,
                        )
                    skipped = _Skipped(stripped, line, line, 0)
                else:
                    seen.add(stripped)
                    client = _Client(stripped)
                    # The clinician is read from the client's first row.
                    client.clinician = fields[CLINICIAN].strip() or None
        if client is None:
            assert skipped is not None
            skipped.rows += 1
            skipped.last = line
            continue
        # The fast path, with no per-field checks beyond what the conversions themselves
        # do; any surprise goes to `_add_checked`, which checks each field and names it.
        try:
            instrument, respondent = instruments[fields[INSTRUMENT]]
            text = fields[SESSION]
            session = int(text)
            date = dates[fields[DATE]]
            value = fields[VALUE]
            if (
                session < 1
                or not text.isdigit()
                or (fields[RESPONDENT] and fields[RESPONDENT] != respondent)
                or "_" in value
                or not value.isascii()
            ):
                raise ValueError(text)
            key = (session, instrument, respondent)
            answer = (fields[ITEM], float(value), line)
        except (KeyError, ValueError):
            _add_checked(reader, client, line, fields, on_problem)
            continue
        answers = client.forms.get(key)
        if answers is None:
            answers = client.forms[key] = []
        answers.append(answer)
        if date is not None and client.dates.get(session) is not date:
            client.see_date(session, date, line)
        client.rows += 1
    if skipped is not None:
        report_or_raise(skipped.problem(), on_problem)
    if client is not None:
        yield _episode(client, on_problem, on_note)


def _episode(client: _Client, on_problem: OnProblem | None, on_note: OnNote | None) -> ClientBlock:
    def problem(error: InputError) -> None:
        client.problems.append(error)
        report_or_raise(error, on_problem)

    administrations = []
    alerts: list[Signal] = []
    keys = [*client.forms, *(key for key in client.tainted if key not in client.forms)]
    for key in keys:
        session, instrument, respondent = key
        answers = client.forms.get(key, [])
        if key in client.tainted:  # a bad row, already reported
            salvaged = [*answers, *client.tainted[key]]
            item9 = _self_harm_answer(salvaged, instrument)
            if item9 is not None:
                alerts.append(self_harm_signal(session, item9, None))
                message = (f"PHQ-9 item 9 = {item9:g} (self-harm endorsed) in a form left out: "
                           "the urgent signal is raised all the same")  # fmt: skip
                line = min(line for _item, _value, line in salvaged)
                client.notes.append(Note(line, client.client_id, session, instrument, message))
            continue
        answers, failure = _distinct(client, key, answers)
        if failure is None:
            try:
                scored = score(instrument, [(item, value) for item, value, _line in answers])
            except ScoringError as exc:
                failure = _form_problem(exc, answers, client, key)
            else:
                administrations.append(ScoredAdministration(
                    session, instrument, scored, cast(Respondent, respondent),
                    client.dates.get(session),
                ))  # fmt: skip
                continue
        item9 = _self_harm_answer(answers, instrument)
        if item9 is not None:
            alerts.append(self_harm_signal(session, item9, None))
            failure = _form_error(
                client, key, failure.line,
                f"{failure.message} (PHQ-9 item 9 = {item9:g}: self-harm endorsed, the urgent "
                "signal is raised all the same)",
            )  # fmt: skip
        problem(failure)
    _date_notes(client)
    if on_note is not None:
        for note in client.notes:
            on_note(note)
    episode = ScoredEpisode.of(client.client_id, administrations, client.clinician)
    return ClientBlock(episode, client.rows, client.problems, client.notes, alerts)


def _distinct(
    client: _Client, key: FormKey, answers: list[Answer]
) -> tuple[list[Answer], InputError | None]:
    """The form's answers with rows repeated word for word counted once (a note), or the
    problem when one item has two different answers (two forms at one session)."""
    if len({item for item, _value, _line in answers}) == len(answers):
        return answers, None
    session, instrument, _respondent = key
    first: dict[str, Answer] = {}
    repeats: list[int] = []
    for answer in answers:
        item, value, line = answer
        earlier = first.get(item)
        if earlier is None:
            first[item] = answer
        elif earlier[1] == value:
            repeats.append(line)
        else:
            return answers, _form_error(
                client, key, line,
                f"item {item} is answered twice with different values ({earlier[1]:g} at line "
                f"{earlier[2]}, {value:g} at line {line}): two different forms at one "
                f"session{LEFT_OUT}",
            )  # fmt: skip
    shown = ", ".join(str(line) for line in repeats[:5]) + (", ..." if len(repeats) > 5 else "")
    message = (
        f"{len(repeats)} rows (lines {shown}) repeat earlier rows of the form word for word: "
        "each counted once"
        if len(repeats) > 1
        else "the row repeats an earlier row of the form word for word: counted once"
    )
    client.notes.append(Note(repeats[0], client.client_id, session, instrument, message))
    return list(first.values()), None


def _date_notes(client: _Client) -> None:
    """Dates that go backwards while the sessions go forwards. A note, not a problem: no rule
    reads the dates (the session numbers set the order), so the scores still stand, and
    leaving the forms out would hide what they say (a self-harm answer among them)."""
    latest: tuple[dt.date, int] | None = None
    for session in sorted(client.dates):
        date = client.dates[session]
        if latest is not None and date < latest[0]:
            client.notes.append(Note(client.date_lines[session], client.client_id, session, None,
                                     f"dated {date}, before session {latest[1]} ({latest[0]}): "
                                     "the dates go backwards while the sessions go forwards; "
                                     "the session numbers set the order"))  # fmt: skip
        if latest is None or date > latest[0]:
            latest = (date, session)


def _self_harm_answer(answers: list[Answer], instrument: str) -> float | None:
    """The highest valid item-9 answer at or above the cutoff, in a PHQ-9 left out."""
    if instrument != "phq-9":
        return None
    endorsed = [v for item, v, _line in answers if item == "9" and v in (1, 2, 3)]
    endorsed = [v for v in endorsed if v >= SELF_HARM_ITEM_MIN]
    return max(endorsed) if endorsed else None


def _form_problem(
    exc: ScoringError, answers: list[Answer], client: _Client, key: FormKey
) -> InputError:
    # Name the line of the offending answer (the repeat, for a repeated item), else the
    # form's first line.
    lines = [line for item, _value, line in answers if item == exc.item] or [answers[0][2]]
    line = lines[-1] if exc.code == "duplicate_item" else lines[0]
    return _form_error(client, key, line, f"{exc.message}{LEFT_OUT}")
