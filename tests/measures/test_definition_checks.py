"""Every consistency check of a definition file, each named by its field and message, with
the edge that is still accepted beside the one that is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance.measures import DefinitionError, definitions, load_definition
from alliance.measures.definition import Inconsistency
from alliance.measures.loader import DEFINITIONS_DIR


def copy_with(tmp_path: Path, instrument: str, *changes: tuple[str, str]) -> Path:
    text = (DEFINITIONS_DIR / f"{instrument}.toml").read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, f"test setup: {old!r} not in {instrument}.toml"
        text = text.replace(old, new, 1)
    assert len(changes) > 0, "test setup: the copy must differ"
    path = tmp_path / f"{instrument}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> DefinitionError:
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    assert caught.value.source == path.name
    return caught.value


WAI_SR_TASK = 'items = ["1", "2", "10", "12"]'
WAI_SR_BOND = 'items = ["3", "5", "7", "9"]'


@pytest.mark.parametrize(
    ("instrument", "changes", "field", "detail"),
    [("wai-sr", [(WAI_SR_TASK, 'items = ["1", "2", "10", "13"]')], "subscales.task",
      "item '13' is not an item id"),
     ("wai-sr", [(WAI_SR_TASK, 'items = ["1", "2", "12"]'),
                 (WAI_SR_BOND, 'items = ["3", "5", "7"]')],
      "subscales", "items ['9', '10'] belong to no subscale"),
     ("srs", [("[cutoffs]\n", '[cutoffs]\nConcern = 30.0\n')], "cutoffs",
      "'Concern' is not a lower_case name"),
     ("srs", [("alliance_concern = 36.0", "alliance_concern = nan")], "cutoffs.alliance_concern",
      "must be a finite number"),
     ("srs", [('id = "srs"\n', 'id = "srs"\nreverse_items = ["1"]\n')], "reverse_items",
      "only labelled-point scales can be reverse-keyed"),
     ("srs", [("sd = 2.5\n", "")], "change", "needs reliable_change, or reliability and sd"),
     ("wai-sr", [('parent = "wai"\n', "")], "items",
      "parent_item needs 'parent' set and a parent item on every item"),
     ("wai-sr", [('parent_item = "25"\n', "")], "items",
      "parent_item needs 'parent' set and a parent item on every item"),
     ("phq-9", [("max = 4\n", "max = -1\n")], "bands.minimal", "max is below min"),
     ("ors", [("[cutoffs]\n", '[[bands]]\nlabel = "all"\nmin = 0\nmax = 40\n\n[cutoffs]\n')],
      "bands", "only instruments with whole-number totals have bands here"),
     ("gad-7", [('wording = "Trouble relaxing"\n', "")], "items",
      "a public-domain instrument ships the wording of every item"),
     ("srs", [('label = "Overall: today', 'wording = "x"\nlabel = "Overall: today')], "licence",
      "site-licensed instruments ship no wording or stem"),
     ("srs", [("step = 0.1", "step = 0.5")], "scale",
      "Value error, step must divide the line evenly and be 1, 0.1, 0.01 ...")],
)  # fmt: skip
def test_it_names_the_field_and_the_problem(
    tmp_path: Path,
    instrument: str,
    changes: list[tuple[str, str]],
    field: str,
    detail: str,
) -> None:
    error = refused(copy_with(tmp_path, instrument, *changes))
    assert (error.field, error.detail) == (field, detail)


def test_it_accepts_a_band_of_a_single_total(tmp_path: Path) -> None:
    path = copy_with(tmp_path, "phq-9", ("max = 4\n", "max = 0\n"), ("min = 5\n", "min = 1\n"))
    assert [(b.min, b.max) for b in load_definition(path).bands][:2] == [(0, 0), (1, 9)]


def test_it_gives_an_inconsistency_its_message() -> None:
    problem = Inconsistency("bands", "max is below min")
    assert (str(problem), problem.field, problem.message) == (
        "max is below min", "bands", "max is below min",
    )  # fmt: skip


def test_it_describes_each_kind_of_scale() -> None:
    assert definitions()["srs"].scale.describe() == "visual-analogue 0-10 in steps of 0.1"
    assert definitions()["gad-7"].scale.describe() == (
        "0 Not at all, 1 Several days, 2 More than half the days, 3 Nearly every day"
    )


@pytest.mark.parametrize(
    ("content", "detail"),
    [(b'id = "srs\n', "is not valid TOML: "), (b'id = "\xff"\n', "cannot be read: ")],
)
def test_it_names_a_definition_file_it_cannot_read(
    tmp_path: Path, content: bytes, detail: str
) -> None:
    path = tmp_path / "srs.toml"
    path.write_bytes(content)
    error = refused(path)
    assert error.field == "(file)" and error.detail.startswith(detail)


def test_it_names_the_folder_that_holds_no_definitions(tmp_path: Path) -> None:
    from alliance.measures import load_definitions

    with pytest.raises(DefinitionError) as caught:
        load_definitions(tmp_path)
    error = caught.value
    assert (error.source, error.field, error.detail) == (
        str(tmp_path), "(directory)", "holds no *.toml definitions",
    )  # fmt: skip


def test_it_says_which_name_a_file_must_have(tmp_path: Path) -> None:
    path = tmp_path / "session.toml"
    path.write_text((DEFINITIONS_DIR / "srs.toml").read_text(encoding="utf-8"), encoding="utf-8")
    error = refused(path)
    assert (error.field, error.detail) == ("id", "'srs' must match the file name")
