"""The errors of the measurement core as callers branch on them: a stable code, the source
and field, the detail apart from where it was found, one problem a form can show; and the
answers' JSON refused at its limits."""

from __future__ import annotations

import pytest

from alliance.errors import Problem
from alliance.measures import DefinitionError, ScoringError, WordingError
from alliance.measures.answers_json import MAX_BYTES, parse_answers


def test_it_names_file_field_and_detail_in_a_definition_error() -> None:
    error = DefinitionError("srs.toml", "scale", "step must divide the line")
    assert (error.code, error.source, error.field, error.detail) == (
        "bad_definition", "srs.toml", "scale", "step must divide the line",
    )  # fmt: skip
    assert error.message == "srs.toml: field 'scale': step must divide the line"
    assert error.problems == (Problem("scale", "step must divide the line", "bad_definition"),)


def test_it_names_file_and_detail_in_a_wording_error() -> None:
    error = WordingError("srs.de.toml", "needs an [items] table")
    assert (error.code, error.source, error.detail) == (
        "bad_wording", "srs.de.toml", "needs an [items] table",
    )  # fmt: skip
    assert error.message == "srs.de.toml: needs an [items] table"


def test_it_makes_a_scoring_error_its_own_problem_unless_it_lists_others() -> None:
    error = ScoringError("off_scale", "srs item 2: 5.05 is not on the scale", item="2")
    assert error.problems == (Problem("2", "srs item 2: 5.05 is not on the scale", "off_scale"),)
    listed = (Problem("1", "a", "out_of_range"), Problem("4", "b", "missing_item"))
    assert ScoringError("out_of_range", "a", item="1", problems=listed).problems == listed


def test_it_reads_answers_up_to_the_size_limit_and_not_beyond() -> None:
    text = '{"1": 9}'
    padded = text + " " * (MAX_BYTES - len(text))
    assert parse_answers(padded) == [("1", 9)]
    with pytest.raises(ScoringError) as caught:
        parse_answers(padded + " ")
    assert (caught.value.code, caught.value.message) == (
        "malformed_json", f"answers are larger than {MAX_BYTES} bytes",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [("[1, 2]", "not_an_object",
      'answers must be a JSON object of item id to value, e.g. {"1": 7.5, "2": 8}'),
     ('{"1": }', "malformed_json",
      "answers are not valid JSON: Expecting value at line 1 column 7"),
     (b'{"1": "\xff"}', "malformed_json", "answers are not valid UTF-8 text"),
     ("[" * 100_000 + "]" * 100_000, "malformed_json", "answers are nested too deeply")],
)  # fmt: skip
def test_it_says_why_answers_cannot_be_read(text: str | bytes, code: str, message: str) -> None:
    with pytest.raises(ScoringError) as caught:
        parse_answers(text)
    assert (caught.value.code, caught.value.message) == (code, message)


def test_it_says_a_number_is_too_long_to_read() -> None:
    with pytest.raises(ScoringError) as caught:
        parse_answers('{"1": ' + "9" * 5000 + "}")
    assert caught.value.code == "malformed_json"
    assert caught.value.message.startswith("answers hold a value that cannot be read: ")
