"""Reading a long-format CSV in columns, a few MiB at a time: `alliance analyze`'s fast path.

The row reader (`long_format`) reads each row as text and defines what a file means; this
module reads the common case, a CSV without quotes, as bytes, and converts whole columns at
once with numpy. Where it answers, it must agree with the row reader:

- Anything about the file's shape that needs the csv module's judgement hands the whole file
  to the row reader (`NotColumnar`): JSON lines, quotes, a carriage return that does not end
  a line, NUL, bytes that are not UTF-8, a row with the wrong number of fields, a line too
  long for the csv module, an empty client_id, a client met again after other clients, or a
  header the row reader would refuse. Each of these is a problem or an error there, reported
  in its words.
- A row whose fields are not in the plain form read here (a session " 3", a value "1e1", an
  instrument "PHQ-9", a date in another ISO form, a respondent "Client") is marked slow: its
  client is then read by the row reader, from the same text, so whatever it finds is found
  and worded exactly as there.

A chunk holds whole clients: the rows of the last client of a read are carried into the next.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from alliance.errors import DomainError
from alliance.measures import definitions

from . import column_fields as convert
from .column_fields import LOW, Bools, Ints, Words
from .file_rows import (
    CLIENT,
    CLINICIAN,
    COLUMNS,
    DATE,
    INSTRUMENT,
    ITEM,
    REQUIRED,
    RESPONDENT,
    SESSION,
    VALUE,
    Fields,
)

CHUNK_BYTES = 1 << 21  # larger chunks leave the allocator holding more, not the run faster
LONGEST_LINE = 100_000  # the csv module refuses a field over 131,072 characters
BOM = b"\xef\xbb\xbf"


class NotColumnar(DomainError):
    """The file needs the row reader, which then reads it (and words any problem in it);
    the message says why, for a reader of the code: no user ever sees it."""

    def __init__(self, reason: str) -> None:
        super().__init__("needs_the_row_reader", reason)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each column sits in a row, from the header."""

    width: int
    index: tuple[int, ...]  # COLUMNS order; -1 for an absent optional column
    body_offset: int  # the byte where the rows begin
    body_line: int  # their first line number


def read_layout(path: Path) -> Layout:
    """The header's layout, or NotColumnar when the row reader must read the file (which
    then also reports a header it refuses, in its words)."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        raise NotColumnar("JSON lines")
    with path.open("rb") as handle:
        first = handle.readline(LONGEST_LINE)
    start = len(BOM) if first.startswith(BOM) else 0
    if not first.endswith(b"\n") or b'"' in first or b"\x00" in first:
        raise NotColumnar("no plain header line")
    text = first[start:].rstrip(b"\n")
    if text.endswith(b"\r"):
        text = text[:-1]
    if b"\r" in text:
        raise NotColumnar("a carriage return inside the header")
    try:
        header = next(csv.reader([text.decode("utf-8")]))
    except (UnicodeDecodeError, StopIteration, csv.Error):
        raise NotColumnar("an unreadable header") from None
    columns = [name.strip() for name in header]
    named = [name for name in columns if name in COLUMNS]
    if any(name not in columns for name in REQUIRED) or len(named) != len(set(named)):
        raise NotColumnar("a header the row reader refuses")
    index = tuple(columns.index(name) if name in columns else -1 for name in COLUMNS)
    return Layout(len(columns), index, len(first), 2)


@dataclass(slots=True)
class Chunk:
    """Whole clients' rows: per row, the fields converted where they were plain."""

    body: bytes
    clients: list[str]  # stripped ids, in file order
    clinicians: list[str | None]
    bounds: Ints  # client k's rows are bounds[k]:bounds[k + 1]
    line: Ints  # per row: its line number
    start: Ints  # per row: the bytes of its line, without the line ending
    end: Ints
    plain: Bools  # per row: every field in the plain form
    session: Ints
    date: Ints  # yyyymmdd, 0 when empty
    instrument: Ints  # index into `instrument_names`, -1 unknown
    item: Ints  # the item id as a number (no leading zero), -1 otherwise
    mantissa: Ints  # the value's digits without its point
    decimals: Ints  # digits after the point

    def text_rows(self, client: int, layout: Layout) -> list[tuple[int, Fields]]:
        """One client's rows as the row reader reads them: (line number, fields in COLUMNS
        order). Without quotes, the csv module splits a line at its commas."""
        rows = []
        for row in range(int(self.bounds[client]), int(self.bounds[client + 1])):
            text = self.body[int(self.start[row]) : int(self.end[row])].decode("utf-8")
            fields = text.split(",")
            picked = [fields[i] if i >= 0 else "" for i in layout.index]
            rows.append((int(self.line[row]), picked))
        return rows


def instrument_names() -> tuple[str, ...]:
    return tuple(definitions())


def read_chunks(path: Path, layout: Layout, size: int | None = None) -> Iterator[Chunk]:
    """The file's rows in chunks of whole clients (about `size` bytes, CHUNK_BYTES by
    default); raises NotColumnar as soon as the file turns out to need the row reader."""
    size = size or CHUNK_BYTES
    names = instrument_names()
    respondents = [definitions()[name].respondent for name in names]
    seen: set[str] = set()
    with path.open("rb") as handle:
        handle.seek(layout.body_offset)
        carry, line = b"", layout.body_line
        while True:
            data = handle.read(size)
            buffer = carry + data
            if not buffer:
                return
            if data:
                cut = buffer.rfind(b"\n") + 1
                body, rest = buffer[:cut], buffer[cut:]
            else:
                body, rest = buffer if buffer.endswith(b"\n") else buffer + b"\n", b""
            rows = _Rows(body, line, layout)
            clients, firsts = rows.clients()
            if data and len(clients) <= 1:
                carry = buffer  # one client so far: read on
                continue
            stop = len(rows.start)
            if data:  # the last client may go on in the next read
                stop = firsts[-1]
                carry, line = body[int(rows.start[stop]) :] + rest, int(rows.line[stop])
                clients, firsts = clients[:-1], firsts[:-1]
            for client in clients:
                if client in seen:
                    raise NotColumnar("a client met again after other clients")
                seen.add(client)
            yield rows.chunk(clients, firsts, stop, names, respondents)
            if not data:
                return


class _Rows:
    """The non-blank lines of a body, cut into fields. Fields are read eight bytes at a time:
    `words[i]` is the eight bytes from byte i, little-endian, so one gather reads the start of
    every row's field."""

    def __init__(self, body: bytes, first_line: int, layout: Layout) -> None:
        if b'"' in body or b"\x00" in body:
            raise NotColumnar("quotes or NUL")
        if not body.isascii():
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                raise NotColumnar("bytes that are not UTF-8") from None
        padded = np.frombuffer(body + bytes(16 - len(body) % 8), dtype=np.uint8)
        a = padded[: len(body)]
        ends = np.flatnonzero(a == 10)
        starts = np.empty_like(ends)
        starts[:1] = 0
        starts[1:] = ends[:-1] + 1
        if b"\r" in body:
            returns = np.flatnonzero(a == 13)
            if not np.all(a[returns + 1] == 10):
                raise NotColumnar("a carriage return inside a line")
            ends = ends - ((ends > starts) & (a[np.maximum(ends - 1, 0)] == 13))
        lines = first_line + np.arange(len(ends), dtype=np.int64)
        filled = ends > starts  # the csv module skips an empty line without a word
        if not filled.all():
            starts, ends, lines = starts[filled], ends[filled], lines[filled]
        if len(ends) and int((ends - starts).max()) > LONGEST_LINE:
            raise NotColumnar("a line too long for the csv module")
        self.commas = _commas(a, starts, ends, layout.width - 1)
        self.body, self.layout = body, layout
        self.start, self.end, self.line = starts, ends, lines
        self.words: Words = np.lib.stride_tricks.as_strided(
            padded.view(np.uint64), shape=(len(body) + 8,), strides=(1,)
        )

    def field(self, column: int) -> tuple[Ints, Ints]:
        """Start and end of one column's field in every row (empty for an absent column)."""
        at = self.layout.index[column]
        if at < 0:
            return self.end, self.end
        start = self.start if at == 0 else self.commas[:, at - 1] + 1
        end = self.end if at == self.layout.width - 1 else self.commas[:, at]
        return start, end

    def word(self, start: Ints, length: Ints | None = None, offset: int = 0) -> Words:
        """Bytes offset..offset+7 of each field; with `length`, zero past the field's end."""
        word = self.words[start + offset if offset else start]
        if length is None:
            return word
        return word & LOW[np.clip(length - offset, 0, 8)]

    def clients(self) -> tuple[list[str], list[int]]:
        """The clients in row order (ids stripped, as the row reader compares them), and
        each one's first row."""
        start, end = self.field(CLIENT)
        n = len(start)
        if n == 0:
            return [], []
        length = end - start
        changed = np.ones(n, dtype=bool)
        changed[1:] = length[1:] != length[:-1]
        for offset in range(0, int(length.max()), 8):
            word = self.word(start, length, offset)
            changed[1:] |= word[1:] != word[:-1]
        clients: list[str] = []
        firsts: list[int] = []
        for row in np.flatnonzero(changed).tolist():
            client = self.body[int(start[row]) : int(end[row])].decode("utf-8").strip()
            if not client:
                raise NotColumnar("an empty client_id")
            if not clients or clients[-1] != client:
                clients.append(client)
                firsts.append(row)
        return clients, firsts

    def chunk(
        self,
        clients: list[str],
        firsts: list[int],
        stop: int,
        names: tuple[str, ...],
        respondents: Sequence[str],
    ) -> Chunk:
        """The first `stop` rows, their fields converted where they are plain."""
        rows = slice(0, stop)

        def field(column: int) -> tuple[Ints, Ints]:
            start, end = self.field(column)
            return start[rows], end[rows] - start[rows]

        session, plain = convert.digits(self, *field(SESSION), 4)
        plain &= session >= 1
        date, dated = convert.date(self, *field(DATE))
        instrument = convert.choice(self, *field(INSTRUMENT), names)
        item, numbered = convert.digits(self, *field(ITEM), 2)
        numbered &= item >= 1  # "01" is not item "1" to the row reader: not plain
        mantissa, decimals, number = convert.number(self, *field(VALUE))
        said = convert.choice(self, *field(RESPONDENT), ("", "client", "therapist"))
        expected = np.asarray([("", "client", "therapist").index(r) for r in respondents])
        fits = (said == 0) | ((instrument >= 0) & (said == expected[np.maximum(instrument, 0)]))
        plain &= dated & (instrument >= 0) & numbered & number & fits
        start, end = self.field(CLINICIAN)
        clinicians = [
            self.body[int(start[row]) : int(end[row])].decode("utf-8").strip() or None
            for row in firsts
        ]
        return Chunk(
            body=self.body,
            clients=clients,
            clinicians=clinicians,
            bounds=np.asarray([*firsts, stop], dtype=np.int64),
            line=self.line[rows],
            start=self.start[rows],
            end=self.end[rows],
            plain=plain,
            session=session,
            date=date,
            instrument=instrument,
            item=np.where(numbered, item, -1),
            mantissa=mantissa,
            decimals=decimals,
        )


def _commas(a: npt.NDArray[np.uint8], starts: Ints, ends: Ints, per_row: int) -> Ints:
    """Each row's commas, `per_row` of them; NotColumnar for a row with another count."""
    commas = np.flatnonzero(a == 44)
    n = len(starts)
    if len(commas) == n * per_row and n:
        table = commas.reshape(n, per_row)
        # As many commas as rows need, and each row's first after its start and last before
        # its end: then each row holds exactly its own.
        if per_row == 0 or (np.all(table[:, 0] > starts) and np.all(table[:, -1] < ends)):
            return table
    first = np.searchsorted(commas, starts)
    if np.any(np.searchsorted(commas, ends) - first != per_row):
        raise NotColumnar("a row with the wrong number of fields")
    picked: Ints = commas[first[:, None] + np.arange(per_row)]
    return picked
