"""Dates as the pages print them ("7 Mar", "7 Mar 2026": the `date` filter's "j M" and
"j M Y"), written without the filter: a long course prints hundreds, and the month names are
a translation lookup each, so they are looked up once per language here."""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.utils import translation
from django.utils.dates import MONTHS_3


@cache
def _months(language: str | None) -> tuple[str, ...]:
    """The `date` filter's "M" in `language`, month 1 at [1]."""
    with translation.override(language):
        return ("", *(str(MONTHS_3[month]).title() for month in range(1, 13)))


def day_month(day: dt.date) -> str:
    """ "j M": "7 Mar"."""
    return f"{day.day} {_months(translation.get_language())[day.month]}"


def day_shown(day: dt.date) -> str:
    """ "j M Y": "7 Mar 2026"."""
    return f"{day_month(day)} {day.year:04d}"
