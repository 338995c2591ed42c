"""A site's cutoffs: from its cutoffs.toml, from `--cutoff INSTRUMENT.NAME=NUMBER`, or set for
a run. Each is checked against the instrument files, a refusal names its source and the
cutoff; once in force, scoring follows every change (and every change back)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from alliance.measures import (
    DefinitionError,
    definitions,
    parse_cutoff_overrides,
    score,
    set_site_cutoffs,
    site_cutoffs,
)
from alliance.measures.loader import check_site_cutoffs, generation, read_site_cutoffs
from alliance.measures.site import data_dir

AT_36 = {"1": 9.0, "2": 9.0, "3": 9.0, "4": 9.0}
INSTRUMENTS = "gad-7, ors, phq-9, srs, wai, wai-sr, wai-sr-t"


def refusal(cutoffs: dict[str, object], source: str = "cutoffs.toml") -> DefinitionError:
    with pytest.raises(DefinitionError) as caught:
        check_site_cutoffs(cutoffs, source)
    assert caught.value.source == source
    return caught.value


def test_it_takes_a_sites_cutoffs_as_numbers() -> None:
    checked = check_site_cutoffs({"srs": {"alliance_concern": 35}, "ors": {"clinical": 32.0}}, "x")
    assert checked == {"srs": {"alliance_concern": 35.0}, "ors": {"clinical": 32.0}}
    assert type(checked["srs"]["alliance_concern"]) is float


@pytest.mark.parametrize(
    ("cutoffs", "field", "detail"),
    [({"srs-2": {}}, "srs-2", f"is not an instrument ({INSTRUMENTS})"),
     ({"srs": 35.9}, "srs", "must be a table of name = number"),
     ({"srs": {"concern": 35.9}}, "srs.concern", "is not a cutoff of srs (alliance_concern)"),
     ({"wai": {"weak": 100}}, "wai.weak", "is not a cutoff of wai (none)"),
     ({"phq-9": {"case": 9}}, "phq-9.case",
      "is not a cutoff of phq-9 (caseness, self_harm_item)"),
     ({"phq-9": {"self_harm_item": 2}}, "phq-9.self_harm_item",
      "is a safety cutoff and cannot be changed"),
     ({"srs": {"alliance_concern": "35.9"}}, "srs.alliance_concern", "must be a number"),
     ({"srs": {"alliance_concern": True}}, "srs.alliance_concern", "must be a number"),
     ({"srs": {"alliance_concern": -0.1}}, "srs.alliance_concern",
      "must lie within the total's range 0-40"),
     ({"srs": {"alliance_concern": 40.1}}, "srs.alliance_concern",
      "must lie within the total's range 0-40"),
     ({"phq-9": {"caseness": math.nan}}, "phq-9.caseness",
      "must lie within the total's range 0-27"),
     ({"phq-9": {"caseness": 10**400}}, "phq-9.caseness",
      "must lie within the total's range 0-27")],
)  # fmt: skip
def test_it_refuses_a_cutoff_naming_source_and_cutoff(
    cutoffs: dict[str, object], field: str, detail: str
) -> None:
    error = refusal(cutoffs)
    assert (error.field, error.detail) == (field, detail)
    assert str(error) == f"cutoffs.toml: field '{field}': {detail}"


@pytest.mark.parametrize("value", [0, 40])
def test_it_takes_a_cutoff_at_either_end_of_the_total(value: int) -> None:
    assert check_site_cutoffs({"srs": {"alliance_concern": value}}, "x") == {
        "srs": {"alliance_concern": float(value)}
    }


def test_it_reads_the_sites_file_and_reads_none_as_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cutoffs.toml"
    assert read_site_cutoffs(path) == {}
    path.write_text("[srs]\nalliance_concern = 35.9\n\n[ors]\nclinical = 32\n", encoding="utf-8")
    assert read_site_cutoffs(path) == {"srs": {"alliance_concern": 35.9}, "ors": {"clinical": 32.0}}


@pytest.mark.parametrize(
    ("text", "detail"),
    [(b"[srs\n", "cannot be read: "), (b"[srs]\nalliance_concern = \xff\n", "cannot be read: "),
     (b"[srs]\nalliance_concern = 41\n", "must lie within the total's range 0-40")],
)  # fmt: skip
def test_it_names_the_sites_file_when_it_is_unfit(tmp_path: Path, text: bytes, detail: str) -> None:
    path = tmp_path / "cutoffs.toml"
    path.write_bytes(text)
    with pytest.raises(DefinitionError) as caught:
        read_site_cutoffs(path)
    error = caught.value
    assert error.source == "cutoffs.toml"
    assert error.field in ("(file)", "srs.alliance_concern")
    assert error.detail.startswith(detail)


def test_it_reads_the_file_in_the_sites_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cutoffs.toml").write_text("[srs]\nalliance_concern = 35.9\n", encoding="utf-8")
    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path
    try:
        set_site_cutoffs(None)  # read the site's file again
        assert definitions()["srs"].cutoffs == {"alliance_concern": 35.9}
        assert score("srs", AT_36).flags == ()
    finally:
        monkeypatch.undo()
        set_site_cutoffs(None)
    assert score("srs", AT_36).flags == ("alliance_concern",)


def test_it_uses_the_users_data_folder_without_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALLIANCE_DATA_DIR", raising=False)
    assert data_dir().name == "alliance-monitor"


def test_it_scores_by_every_change_of_the_cutoffs_in_force() -> None:
    before = generation()
    with site_cutoffs({"srs": {"alliance_concern": 35.9}}):
        assert generation() != before
        assert score("srs", AT_36).flags == ()
        with site_cutoffs({"srs": {"alliance_concern": 36.5}}):
            assert score("srs", AT_36 | {"4": 9.5}).flags == ("alliance_concern",)
        assert score("srs", AT_36 | {"4": 9.5}).flags == ()
    assert generation() != before
    assert score("srs", AT_36).flags == ("alliance_concern",)
    assert score("srs", AT_36 | {"4": 9.5}).flags == ()


def test_it_names_the_run_setting_when_a_set_cutoff_is_unfit() -> None:
    with pytest.raises(DefinitionError) as caught:
        set_site_cutoffs({"srs": {"alliance_concern": 41}})
    assert (caught.value.source, caught.value.field) == ("site cutoffs", "srs.alliance_concern")
    assert score("srs", AT_36).flags == ("alliance_concern",)  # nothing changed


def test_it_parses_cutoffs_given_on_the_command_line() -> None:
    assert parse_cutoff_overrides(["srs.alliance_concern=35.9", " ors.clinical = 32 "]) == {
        "srs": {"alliance_concern": 35.9}, "ors": {"clinical": 32.0},
    }  # fmt: skip
    assert parse_cutoff_overrides([]) == {}


@pytest.mark.parametrize(
    "text",
    ["srs.alliance_concern", "alliance_concern=35.9", ".alliance_concern=35.9", "srs.=35.9",
     "srs.alliance_concern=high", "srs.alliance_concern=nan", "srs.alliance_concern=inf", "",
     "srs.alliance_concern=35=9"],
)  # fmt: skip
def test_it_refuses_a_command_line_cutoff_it_cannot_read(text: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_cutoff_overrides([text])
    error = caught.value
    assert (error.source, error.field) == ("--cutoff", text)
    assert error.detail == "expected INSTRUMENT.NAME=NUMBER, e.g. srs.alliance_concern=35.9"


def test_it_checks_a_command_line_cutoff_against_the_instrument() -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_cutoff_overrides(["srs.alliance_concern=35.9", "srs.concern=35"])
    assert (caught.value.source, caught.value.field) == ("--cutoff", "srs.concern")
