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

from alliance.measures import ScoringError, definitions, score
from alliance.monitoring import Administration, Episode
from alliance.monitoring.types import Respondent

REQUIRED = ("client_id", "session", "date", "instrument", "item", "value")
OPTIONAL = ("clinician_id", "respondent")


class InputError(ValueError):
    """A problem in the input file, naming the line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    client_id: str
    session: int
    date: dt.date | None
    instrument: str
    item: str
    value: float
    clinician_id: str | None
    respondent: str


@dataclass(slots=True)
class ClientBlock:
    """One client's episode as read, and the problems skipped on the way."""

    episode: Episode
    rows: int
    skipped: list[InputError]


OnProblem = Callable[[InputError], None]


def open_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, raw fields) from a CSV or JSON-lines file; checks the columns."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return _json_rows(path)
    return _csv_rows(path)


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise InputError(1, "the file is empty; expected a header row")
        columns = [name.strip() for name in header]
        _check_columns(columns)
        width = len(columns)
        for fields in reader:
            if len(fields) != width:
                if not fields:
                    continue
                raise InputError(
                    reader.line_num, f"expected {width} fields as in the header, got {len(fields)}"
                )
            yield reader.line_num, dict(zip(columns, fields, strict=True))


def _json_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8") as handle:
        checked = False
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data: Any = json.loads(line)
            except ValueError:
                raise InputError(number, "not a JSON object") from None
            if not isinstance(data, dict):
                raise InputError(number, "not a JSON object")
            if not checked:
                _check_columns(list(data), line=number)
                checked = True
            missing = [name for name in REQUIRED if name not in data]
            if missing:
                raise InputError(number, f"missing fields: {', '.join(missing)}")
            yield number, {key: "" if v is None else str(v) for key, v in data.items()}


def _check_columns(columns: list[str], line: int = 1) -> None:
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise InputError(
            line,
            f"missing columns: {', '.join(missing)} (needed: {', '.join(REQUIRED)}; "
            f"optional: {', '.join(OPTIONAL)})",
        )


def parse_row(line: int, raw: dict[str, str]) -> Row:
    client_id = raw["client_id"].strip()
    if not client_id:
        raise InputError(line, "client_id is empty")
    instrument = raw["instrument"].strip().lower()
    if instrument not in definitions():
        raise InputError(
            line, f"unknown instrument {raw['instrument']!r} (known: {', '.join(definitions())})"
        )
    try:
        session = int(raw["session"])
    except ValueError:
        raise InputError(line, f"session {raw['session']!r} is not a whole number") from None
    if session < 1:
        raise InputError(line, f"session {session} must be 1 or more")
    text = raw["date"].strip()
    try:
        date = dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise InputError(line, f"date {text!r} is not an ISO date (YYYY-MM-DD)") from None
    try:
        value = float(raw["value"])
    except ValueError:
        raise InputError(line, f"value {raw['value']!r} is not a number") from None
    respondent = (raw.get("respondent") or "").strip().lower() or _default_respondent(instrument)
    if respondent not in ("client", "therapist"):
        raise InputError(line, f"respondent {respondent!r} must be client or therapist")
    clinician = (raw.get("clinician_id") or "").strip() or None
    return Row(line, client_id, session, date, instrument, raw["item"].strip(), value,
               clinician, respondent)  # fmt: skip


def _default_respondent(instrument: str) -> str:
    return definitions()[instrument].respondent


def read_clients(
    rows: Iterator[tuple[int, dict[str, str]]], on_problem: OnProblem | None = None
) -> Iterator[ClientBlock]:
    """Group rows into clients and score each administration.

    A bad row or form raises `InputError`, or with `on_problem` set is reported to it and
    skipped (a bad form is skipped whole: nothing of it is scored).
    """
    seen: set[str] = set()
    current: str | None = None
    block: list[Row] = []
    problems: list[InputError] = []
    count = 0
    for line, raw in rows:
        try:
            row = parse_row(line, raw)
        except InputError as problem:
            if on_problem is None:
                raise
            on_problem(problem)
            problems.append(problem)
            continue
        if row.client_id != current:
            if current is not None:
                yield _episode(current, block, count, problems, on_problem)
                block, problems, count = [], [], 0
            if row.client_id in seen:
                raise InputError(
                    line,
                    f"client {row.client_id!r} appears again after other clients; the file "
                    "must be grouped by client (sort it by client_id, session)",
                )
            seen.add(row.client_id)
            current = row.client_id
        block.append(row)
        count += 1
    if current is not None:
        yield _episode(current, block, count, problems, on_problem)


def _episode(
    client_id: str,
    rows: list[Row],
    count: int,
    problems: list[InputError],
    on_problem: OnProblem | None,
) -> ClientBlock:
    forms: dict[tuple[int, str, str], list[Row]] = {}
    for row in rows:
        forms.setdefault((row.session, row.instrument, row.respondent), []).append(row)
    administrations = []
    clinician = next((row.clinician_id for row in rows if row.clinician_id), None)
    for (session, instrument, respondent), answers in forms.items():
        try:
            scored = score(instrument, [(row.item, row.value) for row in answers])
        except ScoringError as exc:
            problem = _form_problem(exc, answers, client_id)
            if on_problem is None:
                raise problem from None
            on_problem(problem)
            problems.append(problem)
            continue
        administrations.append(
            Administration(
                session, instrument, scored, cast(Respondent, respondent), answers[0].date
            )
        )
    return ClientBlock(Episode.of(client_id, administrations, clinician), count, problems)


def _form_problem(exc: ScoringError, answers: list[Row], client_id: str) -> InputError:
    # Name the line of the offending answer where there is one, else the form's first line.
    line = next((row.line for row in answers if row.item == exc.item), answers[0].line)
    first = answers[0]
    return InputError(
        line,
        f"client {client_id} session {first.session} {first.instrument}: {exc.message}",
    )
