"""Reading one form's answers from JSON text, strictly.

Python's json module keeps only the last of two equal keys, which would let a repeated item
through silently, so objects are kept as their pairs here. NaN and Infinity are read as
numbers and refused by `score()`, which names their item.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import ScoringError

MAX_BYTES = 1_000_000


class _JSONObject(list[tuple[str, Any]]):
    """A JSON object kept as its (key, value) pairs, so a repeated key can be reported."""


def parse_answers(text: str | bytes) -> list[tuple[str, Any]]:
    """The (item id, value) pairs of a JSON object; `ScoringError` if it is anything else."""
    if len(text) > MAX_BYTES:
        raise ScoringError("malformed_json", f"answers are larger than {MAX_BYTES} bytes")
    try:
        parsed = json.loads(text, object_pairs_hook=_JSONObject)
        if not isinstance(parsed, _JSONObject):
            raise ScoringError(
                "not_an_object",
                'answers must be a JSON object of item id to value, e.g. {"1": 7.5, "2": 8}',
            )
        # Nested objects become dicts again, so an error shows them as the user wrote them.
        return [(key, _plain(value)) for key, value in parsed]
    except ScoringError:
        raise
    except json.JSONDecodeError as exc:
        raise ScoringError(
            "malformed_json",
            f"answers are not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
        ) from None
    except UnicodeDecodeError:
        raise ScoringError("malformed_json", "answers are not valid UTF-8 text") from None
    except RecursionError:
        raise ScoringError("malformed_json", "answers are nested too deeply") from None
    except ValueError as exc:
        # e.g. an integer longer than Python's digit limit for conversion.
        raise ScoringError(
            "malformed_json", f"answers hold a value that cannot be read: {exc}"
        ) from None


def _plain(value: Any) -> Any:
    if isinstance(value, _JSONObject):
        return {key: _plain(v) for key, v in value}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
