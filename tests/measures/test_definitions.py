"""The loader accepts the shipped definitions and refuses broken ones, naming file and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alliance.measures import DefinitionError, definitions, load_definition, load_definitions
from alliance.measures.loader import DEFINITIONS_DIR

SHIPPED = ["gad-7", "ors", "phq-9", "srs", "wai", "wai-sr", "wai-sr-t"]


def test_it_ships_the_seven_instruments_and_no_unconfirmed_wai_s() -> None:
    assert list(definitions()) == SHIPPED
    assert "wai-s" not in definitions()


def test_it_numbers_items_1_to_n_in_published_order() -> None:
    counts = {d.id: len(d.items) for d in definitions().values()}
    assert counts == {
        "gad-7": 7, "ors": 4, "phq-9": 9, "srs": 4, "wai": 36, "wai-sr": 12, "wai-sr-t": 12,
    }  # fmt: skip
    for d in definitions().values():  # loop checked: the seven are counted just above
        assert [item.id for item in d.items] == [str(n) for n in range(1, len(d.items) + 1)]


def test_it_ships_wording_only_where_the_licence_allows() -> None:
    for d in definitions().values():
        if d.id in ("phq-9", "gad-7"):
            assert d.licence.kind == "public-domain"
            assert all(item.wording for item in d.items)
        else:
            assert d.licence.kind == "site-licensed"
            assert not any(item.wording for item in d.items)
            assert d.stem is None
    assert len(definitions()) == 7


def test_it_says_gad7_zero_is_not_at_all_not_not_at_all_sure() -> None:
    assert definitions()["gad-7"].scale.points[0].label == "Not at all"


def luhn_ok(code: str) -> bool:
    number, check = code.split("-")
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 0:  # odd positions from the right are doubled
            digit = digit * 2
            digit = digit // 10 + digit % 10
        total += digit
    return (10 - total % 10) % 10 == int(check)


def test_it_carries_loinc_codes_whose_check_digits_are_valid() -> None:
    codes = []
    for d in definitions().values():
        codes += [c for c in (d.loinc.panel, d.loinc.total) if c]
        codes += [item.loinc for item in d.items if item.loinc]
        codes += [s.loinc for s in d.supplementary if s.loinc]
    assert len(codes) == 2 + 9 + 1 + 2 + 7
    bad = [code for code in codes if not luhn_ok(code)]
    assert bad == []


def test_it_knows_a_bad_loinc_check_digit_when_it_sees_one() -> None:
    assert luhn_ok("44249-1")
    assert not luhn_ok("44249-2")


# --- broken files -----------------------------------------------------------------------


def broken_copy(tmp_path: Path, instrument: str, old: str, new: str) -> Path:
    text = (DEFINITIONS_DIR / f"{instrument}.toml").read_text()
    assert old in text, f"test setup: {old!r} not in {instrument}.toml"
    path = tmp_path / f"{instrument}.toml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("instrument", "old", "new", "field", "says"),
    [
        ("srs", 'id = "2"', 'id = "3"', "items", "published order"),
        ("srs", "[[items]]", "[[item]]", "item", "Extra inputs"),
        ("srs", 'kind = "vas"', 'kind = "slider"', "scale.kind", "'vas' or 'points'"),
        ("srs", "step = 0.1", "step = 0.3", "scale", "step"),
        ("srs", 'cutoff = "alliance_concern"', 'cutoff = "concern"', "flags.alliance_concern",
         "not in cutoffs"),
        ("srs", 'respondent = "client"', 'respondent = "family"', "respondent", "client"),
        ("phq-9", "min = 5", "min = 6", "bands.mild", "expected 5"),
        ("phq-9", "max = 27", "max = 26", "bands", "maximum total 27"),
        ("phq-9", 'item = "9"', 'item = "10"', "flags.self_harm_risk", "not an item id"),
        ("phq-9", 'loinc = "44260-8"', 'loinc = "4426O-8"', "items.8.loinc", "pattern"),
        ("wai-sr", 'items = ["3", "5", "7", "9"]', 'items = ["3", "5", "7", "1"]',
         "subscales.bond", "also in task"),
        ("wai", '"34"]', '"37"]', "reverse_items", "'37' is not an item id"),
        ("gad-7", 'wording = "Trouble relaxing"\n', "", "items", "wording of every item"),
        ("srs", 'label = "Overall: today', 'wording = "x"\nlabel = "Overall: today', "licence",
         "ship no wording"),
        ("ors", 'caseness_cutoff = "clinical"', 'caseness_cutoff = "caseness"', "change",
         "not in cutoffs"),
    ],
)  # fmt: skip
def test_it_names_the_file_and_field_of_a_broken_definition(
    tmp_path: Path, instrument: str, old: str, new: str, field: str, says: str
) -> None:
    path = broken_copy(tmp_path, instrument, old, new)
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    error = caught.value
    assert error.source == f"{instrument}.toml"
    assert error.field == field
    assert says in error.message
    assert str(error).startswith(f"{instrument}.toml: field '{field}'")


def test_it_refuses_a_file_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "srs.toml"
    path.write_text('id = "srs\n')
    with pytest.raises(DefinitionError, match=r"srs\.toml: field '\(file\)': is not valid TOML"):
        load_definition(path)


def test_it_refuses_a_file_named_for_another_instrument(tmp_path: Path) -> None:
    path = tmp_path / "session.toml"
    path.write_text((DEFINITIONS_DIR / "srs.toml").read_text())
    with pytest.raises(DefinitionError, match=re.escape("session.toml: field 'id'")):
        load_definition(path)


def test_it_stops_the_whole_load_on_one_broken_file(tmp_path: Path) -> None:
    for source in DEFINITIONS_DIR.glob("*.toml"):
        (tmp_path / source.name).write_text(source.read_text())
    assert list(load_definitions(tmp_path)) == SHIPPED
    broken_copy(tmp_path, "ors", "max = 10.0", "max = -1.0")
    with pytest.raises(DefinitionError, match=r"^ors\.toml: field 'scale'"):
        load_definitions(tmp_path)


def test_it_refuses_an_empty_definitions_folder(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=re.escape("no *.toml")):
        load_definitions(tmp_path)
