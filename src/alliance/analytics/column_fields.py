"""Converting one column of a chunk's rows at a time, eight bytes of each field at once.

`words[i]` is the eight bytes of a chunk from byte i, little-endian, so one gather reads the
start of every row's field; the tests on digits work on all eight bytes together.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Words = npt.NDArray[np.uint64]


class Fields(Protocol):
    def word(self, start: Ints, length: Ints | None = None, offset: int = 0) -> Words: ...


def masks() -> Words:
    return np.asarray([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)


LOW = masks()
_REPEAT = 0x0101010101010101


def _is_digits(word: Words, length: Ints, mask: Words | np.uint64 | None = None) -> Bools:
    """Whether the bytes in `mask` (default: the field's, up to eight) are all ASCII digits:
    high nibble 3, and low nibble at most 9 (adding 6 does not carry into the high one)."""
    inside = LOW[np.clip(length, 0, 8)] if mask is None else mask
    threes = np.uint64(0x30 * _REPEAT) & inside
    high = np.uint64(0xF0 * _REPEAT) & inside
    sixes = np.uint64(0x06 * _REPEAT) & inside
    digits: Bools = ((word & high) == threes) & (((word + sixes) & high) == threes)
    return digits


def _byte(word: Words, k: int) -> Words:
    return (word >> np.uint64(8 * k)) & np.uint64(0xFF)


def digits(rows: Fields, start: Ints, length: Ints, longest: int) -> tuple[Ints, Bools]:
    """Fields of 1 to `longest` (at most 8) ASCII digits as numbers, and which rows hold one."""
    word = rows.word(start, length)
    ok = (length >= 1) & (length <= longest) & _is_digits(word, length)
    value = np.zeros(len(start), dtype=np.uint64)
    for k in range(longest):
        value = np.where(
            k < length, value * np.uint64(10) + (_byte(word, k) & np.uint64(15)), value
        )
    number: Ints = np.where(ok, value.astype(np.int64), 0)
    return number, ok


_DATE_DIGITS = np.uint64(sum(0xFF << (8 * k) for k in (0, 1, 2, 3, 5, 6)))
_DATE_DASHES = np.uint64((0x2D << 32) | (0x2D << 56))
_DASH_BYTES = np.uint64((0xFF << 32) | (0xFF << 56))


def date(rows: Fields, start: Ints, length: Ints) -> tuple[Ints, Bools]:
    """YYYY-MM-DD as yyyymmdd (0 for an empty field), and which rows hold a real date or none.
    A form the row reader also takes (20260109) makes the row slow, not wrong."""
    head = rows.word(start)
    tail = rows.word(start, offset=8) & LOW[2]
    ok = (length == 10) & ((head & _DASH_BYTES) == _DATE_DASHES)
    ok &= _is_digits(head, length, _DATE_DIGITS) & _is_digits(tail, length, LOW[2])
    digit = [_byte(head, k) & np.uint64(15) for k in (0, 1, 2, 3, 5, 6)]
    digit += [_byte(tail, k) & np.uint64(15) for k in (0, 1)]
    value = np.zeros(len(start), dtype=np.uint64)
    for d in digit:
        value = value * np.uint64(10) + d
    days = np.where(ok, value.astype(np.int64), 0)
    for day in np.unique(days[ok]).tolist():
        try:
            dt.date(day // 10000, day // 100 % 100, day % 100)
        except ValueError:
            ok &= days != day
    return np.where(ok, days, 0), ok | (length == 0)


def choice(rows: Fields, start: Ints, length: Ints, words: tuple[str, ...]) -> Ints:
    """Which of `words` (each at most 16 bytes) each field is, exactly; -1 for none."""
    head = rows.word(start)
    tail = rows.word(start, offset=8)
    found = np.full(len(start), -1, dtype=np.int64)
    for k, word in enumerate(words):
        encoded = word.encode("ascii")
        first, second = (int.from_bytes(encoded[i : i + 8], "little") for i in (0, 8))
        low, high = LOW[min(len(word), 8)], LOW[max(len(word) - 8, 0)]
        same = (length == len(word)) & ((head & low) == first) & ((tail & high) == second)
        found[same] = k
    return found


def number(rows: Fields, start: Ints, length: Ints) -> tuple[Ints, Ints, Bools]:
    """A value of at most 8 characters, digits with at most one point between digits ("2.6",
    "3", "10.0"), as its digits and the count after the point; any other form ("-1", ".5",
    "1e1", "2.600000001") is not plain."""
    word = rows.word(start, length)
    ok = (length >= 1) & (length <= 8)
    mantissa = np.zeros(len(start), dtype=np.uint64)
    points = np.zeros(len(start), dtype=np.int64)
    where = np.zeros(len(start), dtype=np.int64)
    for k in range(8):
        inside = k < length
        byte = _byte(word, k)
        digit = byte - np.uint64(48)  # wraps below "0": then not <= 9
        is_digit = inside & (digit <= np.uint64(9))
        is_point = inside & (byte == np.uint64(46))
        ok &= ~inside | is_digit | is_point
        mantissa = np.where(is_digit, mantissa * np.uint64(10) + digit, mantissa)
        points += is_point
        where = np.where(is_point, k, where)
    ok &= (points == 0) | ((points == 1) & (where > 0) & (where < length - 1))
    decimals = np.where(points == 1, length - 1 - where, 0)
    return np.where(ok, mantissa.astype(np.int64), 0), np.where(ok, decimals, 0), ok
