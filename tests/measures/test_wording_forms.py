"""The whole text a form shows, for each source of wording (installed, shipped, labels), and
each way a wording file can be unfit, named with its file."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance.measures import WordingError, definitions
from alliance.measures.wording import FormText, form_text, install_wording, read_wording

SRS_ITEMS = '[items]\n"1" = "R"\n"2" = "G"\n"3" = " A "\n"4" = "O"\n'
SRS_DE = (
    'instrument = "srs"\nlanguage = "de"\nsource = "SRS, Lizenz der Praxis"\n'
    'instructions = "Bitte bewerten Sie die heutige Sitzung."\nhigh_anchor = "So wie ich wollte"\n'
    + SRS_ITEMS
)


def write(tmp_path: Path, text: str, name: str = "wording.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_it_fills_what_installed_wording_leaves_out_from_the_definition(tmp_path: Path) -> None:
    install_wording(write(tmp_path, SRS_DE), base=tmp_path / "site")
    scale = definitions()["srs"].scale
    assert form_text("srs", "de", base=tmp_path / "site") == FormText(
        instrument="srs", language="de", instructions="Bitte bewerten Sie die heutige Sitzung.",
        items=(("1", "R"), ("2", "G"), ("3", "A"), ("4", "O")),
        low_anchor=scale.low_anchor, high_anchor="So wie ich wollte", demonstration=False,
        source="SRS, Lizenz der Praxis",
    )  # fmt: skip
    assert [p.name for p in (tmp_path / "site" / "wording").iterdir()] == ["srs.de.toml"]


def test_it_keeps_the_definitions_instructions_when_wording_has_none(tmp_path: Path) -> None:
    text = 'instrument = "srs"\nlanguage = "en"\nsource = "S"\n' + SRS_ITEMS
    install_wording(write(tmp_path, text), base=tmp_path)
    shown = form_text("srs", base=tmp_path)
    assert shown.instructions == definitions()["srs"].instructions
    assert (shown.low_anchor, shown.high_anchor) == ("Not as I wanted", "As I wanted")


@pytest.mark.parametrize("instrument", ["phq-9", "gad-7"])
def test_it_ships_public_domain_wording_in_english(tmp_path: Path, instrument: str) -> None:
    d = definitions()[instrument]
    assert form_text(instrument, base=tmp_path) == FormText(
        instrument=instrument, language="en", instructions=d.stem or "",
        items=tuple((item.id, item.wording or "") for item in d.items),
        low_anchor=None, high_anchor=None, demonstration=False, source=d.reference,
    )  # fmt: skip


def test_it_shows_labels_until_wording_is_installed(tmp_path: Path) -> None:
    d = definitions()["srs"]
    shown = form_text("srs", "fr", base=tmp_path)
    assert shown == FormText(
        instrument="srs", language="fr", instructions=d.instructions,
        items=tuple((item.id, item.label) for item in d.items),
        low_anchor="Not as I wanted", high_anchor="As I wanted", demonstration=True,
        source="Alliance Monitor descriptive labels",
    )  # fmt: skip
    assert shown.notice is not None


@pytest.mark.parametrize(
    ("text", "problem"),
    [('instrument = "srs"\nlanguage = "en"\nsource = ""\n' + SRS_ITEMS,
      "'source' must be non-empty text"),
     ('instrument = "srs"\nlanguage = "en"\nsource = "  "\n' + SRS_ITEMS,
      "'source' must be non-empty text"),
     ('instrument = "srs"\nlanguage = "en"\nsource = 3\n' + SRS_ITEMS,
      "'source' must be non-empty text"),
     ('instrument = "srs"\nlanguage = "en"\nsource = "S"\nitems = "R G A O"\n',
      "needs an [items] table of item id = text"),
     ('instrument = "srs"\nlanguage = "en"\nsource = "S"\n[items]\n',
      "needs an [items] table of item id = text"),
     ('instrument = "srs"\nlanguage = "en"\nsource = "S"\n[items]\n"1" = "R"\n"5" = "X"\n',
      "item ids do not match srs (items 1..4): missing items 2, 3, 4; items not in srs: 5"),
     ('instrument = "wai-sr"\nlanguage = "en"\nsource = "S"\n[items]\n'
      + "".join(f'"{n}" = "t"\n' for n in (1, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14)),
      "item ids do not match wai-sr (items 1..12): missing items 2, 10; items not in wai-sr: "
      "13, 14"),
     ('instrument = "srs"\nlanguage = "en"\nsource = "S"\n' + SRS_ITEMS.replace('"G"', '" "'),
      "item 2 must be non-empty text"),
     ('instrument = "gad-7"\nlanguage = "en"\nsource = "S"\nhigh_anchor = "x"\n[items]\n'
      + "".join(f'"{n}" = "t"\n' for n in range(1, 8)),
      "anchors apply only to visual-analogue scales"),
     ('instrument = "srs-2"\nlanguage = "en"\nsource = "S"\n' + SRS_ITEMS,
      "unknown instrument 'srs-2'; known instruments: gad-7, ors, phq-9, srs, wai, wai-sr, "
      "wai-sr-t")],
)  # fmt: skip
def test_it_names_the_file_and_what_is_unfit(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(WordingError) as caught:
        read_wording(path)
    assert (caught.value.source, caught.value.detail) == (str(path), problem)
    assert str(caught.value) == f"{path}: {problem}"


def test_it_names_a_wording_file_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "wording.toml"
    path.write_bytes(b'instrument = "\xff"\n')
    with pytest.raises(WordingError) as caught:
        read_wording(path)
    assert caught.value.source == str(path)
    assert caught.value.detail.startswith("cannot be read: ")
