"""The error types of the measurement core.

Both carry a stable `code` that callers (the CLI, forms, the API) can branch on without
parsing the message, and a message written for the person who has to fix the input.
"""

from __future__ import annotations

from collections.abc import Iterable

from alliance.errors import DomainError, Problem


class ScoringError(DomainError, ValueError):
    """Answers that cannot be scored. Raised by `score()` and nothing else is.

    `code` is one of: unknown_instrument, unknown_item, duplicate_item, missing_item,
    out_of_range, off_scale, not_finite, wrong_type, malformed_json, not_an_object,
    bad_threshold.
    `item` names the offending item id where there is one. `problems` lists every problem
    found in the same answers (this error is the first of them), so a form can mark all
    its bad fields at once.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        item: str | None = None,
        problems: Iterable[Problem] = (),
    ) -> None:
        super().__init__(code, message, tuple(problems) or (Problem(item, message, code),))
        self.item = item

    def as_problem(self) -> Problem:
        return Problem(self.item, self.message, self.code)


class DefinitionError(DomainError):
    """An instrument definition file that is broken; names the file and the field."""

    def __init__(self, source: str, field: str, message: str) -> None:
        super().__init__("bad_definition", f"{source}: field '{field}': {message}",
                         (Problem(field, message, "bad_definition"),))  # fmt: skip
        self.source = source
        self.field = field
        self.detail = message


class WordingError(DomainError):
    """A site wording file that does not fit its instrument; names the file and problem."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__("bad_wording", f"{source}: {message}")
        self.source = source
        self.detail = message
