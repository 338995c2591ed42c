"""Reading a caseload in long format, one row per item answer, one client at a time.

Columns: client_id, session, date, instrument, item, value; optional clinician_id and
respondent. CSV (with a header) or JSON lines. A client's rows must be contiguous (any
export grouped or sorted by client is), which is what lets a file of any size be read
with the memory of one client.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from alliance.errors import DomainError, Problem
from alliance.measures import ScoringError, definitions, score
from alliance.monitoring import ScoredAdministration, ScoredEpisode, Signal
from alliance.monitoring.symptoms import SELF_HARM_ITEM_MIN, self_harm_signal
from alliance.monitoring.types import Respondent

REQUIRED = ("client_id", "session", "date", "instrument", "item", "value")
OPTIONAL = ("clinician_id", "respondent")
COLUMNS = REQUIRED + OPTIONAL
CLIENT, SESSION, DATE, INSTRUMENT, ITEM, VALUE, CLINICIAN, RESPONDENT = range(len(COLUMNS))

Fields = list[str]  # one row's fields in COLUMNS order


class InputError(DomainError, ValueError):
    """A problem in the input file, naming the line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__("bad_input", message, (Problem(f"line {line}", message, "bad_input"),))
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(slots=True)
class ClientBlock:
    """One client's episode as read, and the problems skipped on the way.

    `alerts` holds safety signals from forms that could not be scored (a PHQ-9 with a
    missing item but item 9 endorsed): a refused form must not hide a self-harm answer.
    """

    episode: ScoredEpisode
    rows: int
    skipped: list[InputError]
    alerts: list[Signal]


OnProblem = Callable[[InputError], None]


def open_rows(path: Path) -> Iterator[tuple[int, Fields]]:
    """(line number, fields in COLUMNS order) from a CSV or JSON-lines file."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return _json_rows(path)
    return _csv_rows(path)


def _csv_rows(path: Path) -> Iterator[tuple[int, Fields]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise InputError(1, f"not readable as CSV: {exc}") from None
        if header is None:
            raise InputError(1, "the file is empty; expected a header row")
        columns = [name.strip() for name in header]
        _check_columns(columns)
        repeated = sorted({name for name in columns if name in COLUMNS and columns.count(name) > 1})
        if repeated:
            raise InputError(1, f"the header names {', '.join(repeated)} more than once")
        width = len(columns)
        # Most exports put the columns in the documented order: pass their rows through
        # untouched; otherwise pick the fields into that order.
        order = [columns.index(name) if name in columns else -1 for name in COLUMNS]
        in_order = order == list(range(len(COLUMNS)))[: len(order)] and width == len(COLUMNS)
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a field beyond the csv module's size limit
                raise InputError(reader.line_num, f"not readable as CSV: {exc}") from None
            if len(fields) != width:
                if not fields:
                    continue
                raise InputError(
                    reader.line_num, f"expected {width} fields as in the header, got {len(fields)}"
                )
            if in_order:
                yield reader.line_num, fields
            else:
                yield reader.line_num, [fields[i] if i >= 0 else "" for i in order]


def _json_rows(path: Path) -> Iterator[tuple[int, Fields]]:
    with path.open(encoding="utf-8-sig") as handle:
        checked = False
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data: Any = json.loads(line)
            except (ValueError, RecursionError):
                raise InputError(number, "not a JSON object") from None
            if not isinstance(data, dict):
                raise InputError(number, "not a JSON object")
            if not checked:
                _check_columns(list(data), line=number)
                checked = True
            missing = [name for name in REQUIRED if name not in data]
            if missing:
                raise InputError(number, f"missing fields: {', '.join(missing)}")
            yield number, ["" if data.get(k) is None else str(data[k]) for k in COLUMNS]


def _check_columns(columns: list[str], line: int = 1) -> None:
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise InputError(
            line,
            f"missing columns: {', '.join(missing)} (needed: {', '.join(REQUIRED)}; "
            f"optional: {', '.join(OPTIONAL)})",
        )


FormKey = tuple[int, str, str]  # session, instrument, respondent
Answer = tuple[str, float, int]  # item, value, line


class _Client:
    """The rows of one client, gathered into forms as they are read."""

    __slots__ = ("client_id", "clinician", "dates", "forms", "problems", "rows")

    def __init__(self, client_id: str) -> None:
        self.client_id = client_id
        self.clinician: str | None = None
        self.forms: dict[FormKey, list[Answer]] = {}
        self.dates: dict[int, dt.date | None] = {}
        self.problems: list[InputError] = []
        self.rows = 0


class _RowReader:
    """Checks one row's fields; caches what repeats across rows (instruments, dates)."""

    def __init__(self) -> None:
        known = definitions()
        self.instruments: dict[str, tuple[str, str]] = {
            name: (name, d.respondent) for name, d in known.items()
        }
        self.dates: dict[str, dt.date | None] = {"": None}

    def instrument(self, line: int, text: str) -> tuple[str, str]:
        found = self.instruments.get(text)
        if found is None:
            found = self.instruments.get(text.strip().lower())
            if found is None:
                known = ", ".join(definitions())
                raise InputError(line, f"unknown instrument {text!r} (known: {known})")
            self.instruments[text] = found
        return found

    def session(self, line: int, text: str) -> int:
        # int() would also take "1_0" and non-ASCII digits: only plain digits are sessions.
        if not (text.strip().isascii() and text.strip().isdigit()):
            raise InputError(line, f"session {text!r} is not a whole number")
        session = int(text)
        if session < 1:
            raise InputError(line, f"session {session} must be 1 or more")
        return session

    def date(self, line: int, text: str) -> dt.date | None:
        try:
            return self.dates[text]
        except KeyError:
            pass
        try:
            date = dt.date.fromisoformat(text.strip()) if text.strip() else None
        except ValueError:
            raise InputError(line, f"date {text!r} is not an ISO date (YYYY-MM-DD)") from None
        if len(self.dates) > 10_000:  # a long file has many dates: keep the cache small
            self.dates.clear()
            self.dates[""] = None
        self.dates[text] = date
        return date

    def value(self, line: int, text: str) -> float:
        try:
            if "_" in text or not text.isascii():  # float() takes "1_0" and other digits
                raise ValueError(text)
            return float(text)
        except ValueError:
            raise InputError(line, f"value {text!r} is not a number") from None

    def respondent(self, line: int, text: str, instrument: str, default: str) -> str:
        # Each instrument has one respondent (wai-sr is the client's, wai-sr-t the
        # therapist's): a row that says otherwise is refused, not quietly set aside.
        respondent = text.strip().lower() or default
        if respondent not in ("client", "therapist"):
            raise InputError(line, f"respondent {text!r} must be client or therapist")
        if respondent != default:
            raise InputError(line, f"{instrument} is answered by the {default}, not the {text}")
        return respondent

    def add(self, client: _Client, line: int, fields: Fields) -> None:
        instrument, default = self.instrument(line, fields[INSTRUMENT])
        session = self.session(line, fields[SESSION])
        date = self.date(line, fields[DATE])
        value = self.value(line, fields[VALUE])
        respondent = self.respondent(line, fields[RESPONDENT], instrument, default)
        key = (session, instrument, respondent)
        answers = client.forms.get(key)
        if answers is None:
            answers = client.forms[key] = []
        answers.append((fields[ITEM], value, line))
        client.dates.setdefault(session, date)
        client.rows += 1


def read_clients(
    rows: Iterator[tuple[int, Fields]], on_problem: OnProblem | None = None
) -> Iterator[ClientBlock]:
    """Group rows into clients and score each administration.

    A bad row or form raises `InputError`, or with `on_problem` set is reported to it and
    skipped (a bad form is skipped whole: nothing of it is scored).
    """
    reader = _RowReader()
    instruments, dates = reader.instruments, reader.dates
    seen: set[str] = set()
    client: _Client | None = None
    for line, fields in rows:
        client_id = fields[CLIENT]
        if client is None or client_id != client.client_id:
            client_id = client_id.strip()
            if not client_id:
                problem = InputError(line, "client_id is empty")
                if on_problem is None:
                    raise problem
                on_problem(problem)
                continue
            if client is not None and client_id != client.client_id:
                yield _episode(client, on_problem)
                client = None
            if client is None:
                if client_id in seen:
                    raise InputError(
                        line,
                        f"client {client_id!r} appears again after other clients; the file "
                        "must be grouped by client (sort it by client_id, session)",
                    )
                seen.add(client_id)
                client = _Client(client_id)
                # The clinician is read from the client's first row.
                client.clinician = fields[CLINICIAN].strip() or None
        # The fast path, with no per-field checks beyond what the conversions themselves
        # do; any surprise goes to `reader.add`, which checks each field and names it.
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
            pass
        else:
            answers = client.forms.get(key)
            if answers is None:
                answers = client.forms[key] = []
                client.dates.setdefault(session, date)
            answers.append(answer)
            client.rows += 1
            continue
        try:
            reader.add(client, line, fields)
        except InputError as problem:
            if on_problem is None:
                raise
            on_problem(problem)
            client.problems.append(problem)
    if client is not None:
        yield _episode(client, on_problem)


def _episode(client: _Client, on_problem: OnProblem | None) -> ClientBlock:
    administrations = []
    alerts: list[Signal] = []
    for (session, instrument, respondent), answers in client.forms.items():
        try:
            scored = score(instrument, [(item, value) for item, value, _line in answers])
        except ScoringError as exc:
            problem = _form_problem(exc, answers, client.client_id, session, instrument)
            item9 = _self_harm_answer(answers) if instrument == "phq-9" else None
            if item9 is not None:
                alerts.append(self_harm_signal(session, item9, None))
                problem = InputError(
                    problem.line,
                    f"{problem.message} (PHQ-9 item 9 = {item9:g}: self-harm endorsed, "
                    "the urgent signal is raised all the same)",
                )
            if on_problem is None:
                raise problem from None
            on_problem(problem)
            client.problems.append(problem)
            continue
        administrations.append(
            ScoredAdministration(
                session, instrument, scored, cast(Respondent, respondent), client.dates[session]
            )
        )
    episode = ScoredEpisode.of(client.client_id, administrations, client.clinician)
    return ClientBlock(episode, client.rows, client.problems, alerts)


def _self_harm_answer(answers: list[Answer]) -> float | None:
    """Item 9 of an unscorable PHQ-9 when it is a valid answer at or above 1."""
    values = [value for item, value, _line in answers if item == "9"]
    if len(values) != 1 or values[0] not in (1, 2, 3):
        return None
    return values[0] if values[0] >= SELF_HARM_ITEM_MIN else None


def _form_problem(
    exc: ScoringError, answers: list[Answer], client_id: str, session: int, instrument: str
) -> InputError:
    # Name the line of the offending answer (the repeat, for a repeated item), else the
    # form's first line.
    lines = [line for item, _value, line in answers if item == exc.item] or [answers[0][2]]
    line = lines[-1] if exc.code == "duplicate_item" else lines[0]
    return InputError(line, f"client {client_id} session {session} {instrument}: {exc.message}")
