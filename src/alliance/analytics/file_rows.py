"""The rows of a long-format file, and what is reported about them: problems and notes.

A problem is something left out of the analysis (a bad row, a form that cannot be scored);
a note is something worth knowing that left nothing out (a row repeated word for word,
dates that go backwards). Both name the line and, where known, the client, session and
instrument.

Only what makes the whole file unreadable stops the reading (no header, a header without the
needed columns); a bad row is reported to `on_problem` and the reading goes on, or, without
`on_problem`, raises.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliance.errors import DomainError, Problem
from alliance.measures import definitions

REQUIRED = ("client_id", "session", "date", "instrument", "item", "value")
OPTIONAL = ("clinician_id", "respondent")
COLUMNS = REQUIRED + OPTIONAL
CLIENT, SESSION, DATE, INSTRUMENT, ITEM, VALUE, CLINICIAN, RESPONDENT = range(len(COLUMNS))

Fields = list[str]  # one row's fields in COLUMNS order


def _where(client: str | None, session: int | None, instrument: str | None) -> str:
    parts = [f"client {client}" if client else "", f"session {session}" if session else "",
             instrument or ""]  # fmt: skip
    text = " ".join(part for part in parts if part)
    return f"{text}: " if text else ""


def _record(
    line: int, client: str | None, session: int | None, instrument: str | None, reason: str
) -> dict[str, Any]:
    return {"line": line, "client": client, "session": session, "instrument": instrument,
            "reason": reason}  # fmt: skip


class InputError(DomainError, ValueError):
    """A problem in the input file: the line, what it is about where known, and the reason."""

    def __init__(
        self,
        line: int,
        message: str,
        *,
        client: str | None = None,
        session: int | None = None,
        instrument: str | None = None,
    ) -> None:
        super().__init__("bad_input", message, (Problem(f"line {line}", message, "bad_input"),))
        self.line = line
        self.client = client
        self.session = session
        self.instrument = instrument

    def __str__(self) -> str:
        return (
            f"line {self.line}: {_where(self.client, self.session, self.instrument)}{self.message}"
        )

    def as_dict(self) -> dict[str, Any]:
        return _record(self.line, self.client, self.session, self.instrument, self.message)


@dataclass(frozen=True, slots=True)
class Note:
    """Something noticed in the file that left nothing out."""

    line: int
    client: str | None
    session: int | None
    instrument: str | None
    message: str

    def __str__(self) -> str:
        return (
            f"line {self.line}: {_where(self.client, self.session, self.instrument)}{self.message}"
        )

    def as_dict(self) -> dict[str, Any]:
        return _record(self.line, self.client, self.session, self.instrument, self.message)


OnProblem = Callable[[InputError], None]
OnNote = Callable[[Note], None]


def report_or_raise(problem: InputError, on_problem: OnProblem | None) -> None:
    if on_problem is None:
        raise problem
    on_problem(problem)


def open_rows(path: Path, on_problem: OnProblem | None = None) -> Iterator[tuple[int, Fields]]:
    """(line number, fields in COLUMNS order) from a CSV or JSON-lines file. A bad row goes
    to `on_problem` and is not yielded (without it, raises)."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return _json_rows(path, on_problem)
    return _csv_rows(path, on_problem)


def _utf8_lines(handle: Iterable[str], bad: list[int]) -> Iterator[str]:
    """The lines of a file opened with errors="surrogateescape"; the numbers of those that
    were not UTF-8 go to `bad` (the reader then leaves their row out)."""
    for number, line in enumerate(handle, start=1):
        if not line.isascii():
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:
                bad.append(number)
                line = line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        yield line


NOT_UTF8 = "not UTF-8 text; the row is left out"


def _csv_rows(path: Path, on_problem: OnProblem | None) -> Iterator[tuple[int, Fields]]:
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as handle:
        bad: list[int] = []
        reader = csv.reader(_utf8_lines(handle, bad))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise InputError(1, f"not readable as CSV: {exc}") from None
        if header is None:
            raise InputError(1, "the file is empty; expected a header row")
        if bad:
            raise InputError(1, "the header is not UTF-8 text")
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
                del bad[:]
                report_or_raise(InputError(reader.line_num, f"not readable as CSV: {exc}"),
                                on_problem)  # fmt: skip
                continue
            if bad:  # the row spans a line that was not UTF-8
                line = bad[0]
                del bad[:]
                report_or_raise(InputError(line, NOT_UTF8), on_problem)
                continue
            if len(fields) != width:
                if not fields:
                    continue
                report_or_raise(
                    InputError(
                        reader.line_num,
                        f"expected {width} fields as in the header, got {len(fields)}",
                    ),
                    on_problem,
                )
                continue
            if in_order:
                yield reader.line_num, fields
            else:
                yield reader.line_num, [fields[i] if i >= 0 else "" for i in order]


def _json_rows(path: Path, on_problem: OnProblem | None) -> Iterator[tuple[int, Fields]]:
    with path.open(encoding="utf-8-sig", errors="surrogateescape") as handle:
        checked = False
        bad: list[int] = []
        for number, line in enumerate(_utf8_lines(handle, bad), start=1):
            if not line.strip():
                continue
            if bad:
                del bad[:]
                report_or_raise(InputError(number, NOT_UTF8), on_problem)
                continue
            try:
                data: Any = json.loads(line)
            except (ValueError, RecursionError):
                data = None
            if not isinstance(data, dict):
                report_or_raise(InputError(number, "not a JSON object"), on_problem)
                continue
            if not checked:
                # The first object stands for a header: without the needed fields, the
                # file is not in this format at all.
                _check_columns(list(data), line=number)
                checked = True
            missing = [name for name in REQUIRED if name not in data]
            if missing:
                report_or_raise(InputError(number, f"missing fields: {', '.join(missing)}"),
                                on_problem)  # fmt: skip
                continue
            yield number, ["" if data.get(k) is None else str(data[k]) for k in COLUMNS]


def _check_columns(columns: list[str], line: int = 1) -> None:
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise InputError(
            line,
            f"missing columns: {', '.join(missing)} (needed: {', '.join(REQUIRED)}; "
            f"optional: {', '.join(OPTIONAL)})",
        )


class FieldReader:
    """Reads one field of a row, or raises ValueError saying what is wrong with it; caches
    instruments and dates, which repeat across rows."""

    def __init__(self) -> None:
        known = definitions()
        self.instruments: dict[str, tuple[str, str]] = {
            name: (name, d.respondent) for name, d in known.items()
        }
        self.dates: dict[str, dt.date | None] = {"": None}

    def instrument(self, text: str) -> tuple[str, str]:
        found = self.instruments.get(text)
        if found is None:
            found = self.instruments.get(text.strip().lower())
            if found is None:
                raise ValueError(f"unknown instrument {text!r} (known: {', '.join(definitions())})")
            self.instruments[text] = found
        return found

    def session(self, text: str) -> int:
        # int() would also take "1_0" and non-ASCII digits: only plain digits are sessions.
        if not (text.strip().isascii() and text.strip().isdigit()):
            raise ValueError(f"session {text!r} is not a whole number")
        session = int(text)
        if session < 1:
            raise ValueError(f"session {session} must be 1 or more")
        return session

    def date(self, text: str) -> dt.date | None:
        try:
            return self.dates[text]
        except KeyError:
            pass
        try:
            date = dt.date.fromisoformat(text.strip()) if text.strip() else None
        except ValueError:
            raise ValueError(f"date {text!r} is not an ISO date (YYYY-MM-DD)") from None
        if len(self.dates) > 10_000:  # a long file has many dates: keep the cache small
            self.dates.clear()
            self.dates[""] = None
        self.dates[text] = date
        return date

    @staticmethod
    def value(text: str) -> float:
        if "_" in text or not text.isascii():  # float() takes "1_0" and other digits
            raise ValueError(f"value {text!r} is not a number")
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"value {text!r} is not a number") from None

    @staticmethod
    def respondent(text: str, instrument: str, default: str) -> str:
        # Each instrument has one respondent (wai-sr is the client's, wai-sr-t the
        # therapist's): a row that says otherwise is refused, not quietly set aside.
        respondent = text.strip().lower() or default
        if respondent not in ("client", "therapist"):
            raise ValueError(f"respondent {text!r} must be client or therapist")
        if respondent != default:
            raise ValueError(f"{instrument} is answered by the {default}, not the {text}")
        return respondent
