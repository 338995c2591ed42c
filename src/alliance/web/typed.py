"""Numbers as a person types them into a page: ASCII digits only. str.isdigit() also takes a
superscript two (which int() refuses), an Arabic-Indic three or a fullwidth twelve (which int()
reads as 3 and 12), and int() takes "1_0" and "+5"; none of those is an id, a page number or an
answer here, so they are refused rather than guessed."""

from __future__ import annotations

import re

# An answer: digits, with one dot and more digits for a line's tenths.
PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def plain_int(text: str | None, max_digits: int = 18) -> int | None:
    """`text` (surrounding spaces aside) as a whole number of at most `max_digits` ASCII
    digits (an id has at most 18), else None."""
    text = (text or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= max_digits:
        return int(text)
    return None
