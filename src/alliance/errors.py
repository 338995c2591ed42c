"""The one base of every domain error, core and web alike (free of Django).

A domain error carries a stable `code` that callers branch on without parsing text, a
`message` written for the person who has to act on it, and `problems`: every problem found
at once (a form marks all its bad fields together). Each problem names the `item` it is
about (a form's item id, "instrument item" for a whole submission, or a field), or None.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    item: str | None
    message: str
    code: str = ""


class DomainError(Exception):
    """Something the user asked for that the rules refuse; never a programming error."""

    def __init__(self, code: str, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems) or (Problem(None, message, code),)

    def __str__(self) -> str:
        return self.message
