"""Site-installed wording: checked against the instrument on install; until then forms carry
the project's labels and a demonstration notice."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance.measures import WordingError
from alliance.measures.wording import (
    DEMONSTRATION_NOTICE,
    form_text,
    install_wording,
    installed_wording,
)

SRS_WORDING = """\
instrument = "srs"
language = "en"
source = "SRS v3.0, licensed to Example Clinic"
low_anchor = "Low end (licensed)"
[items]
"1" = "Licensed relationship text"
"2" = "Licensed goals text"
"3" = "Licensed approach text"
"4" = "Licensed overall text"
"""


def wording_file(tmp_path: Path, text: str = SRS_WORDING, name: str = "srs-en.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_it_shows_labels_and_the_notice_until_wording_is_installed(tmp_path: Path) -> None:
    text = form_text("srs", base=tmp_path)
    assert text.demonstration
    assert text.notice == DEMONSTRATION_NOTICE
    assert text.items[1] == ("2", "Goals and topics: worked on what I wanted to work on")


def test_it_ships_phq9_wording_with_no_notice(tmp_path: Path) -> None:
    text = form_text("phq-9", base=tmp_path)
    assert not text.demonstration and text.notice is None
    assert text.instructions.startswith("Over the last 2 weeks")
    assert dict(text.items)["9"].startswith("Thoughts that you would be better off dead")


def test_it_marks_a_translation_without_installed_wording_as_demonstration(tmp_path: Path) -> None:
    assert form_text("phq-9", "de", base=tmp_path).demonstration


def test_it_installs_wording_and_uses_it(tmp_path: Path) -> None:
    target = install_wording(wording_file(tmp_path), base=tmp_path / "site")
    assert target == tmp_path / "site" / "wording" / "srs.en.toml"
    text = form_text("srs", base=tmp_path / "site")
    assert not text.demonstration
    assert dict(text.items)["4"] == "Licensed overall text"
    assert text.low_anchor == "Low end (licensed)"
    assert text.high_anchor == "As I wanted"  # not given: the project's anchor stays
    assert text.source == "SRS v3.0, licensed to Example Clinic"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (('"4" = "Licensed overall text"\n', ""), "missing items 4"),
        (('"4" = "Licensed overall text"\n', '"4" = "x"\n"5" = "y"\n'), "items not in srs: 5"),
        (('"2" = "Licensed goals text"', '"2" = "  "'), "item 2 must be non-empty text"),
        (('instrument = "srs"', 'instrument = "srs-2"'), "unknown instrument 'srs-2'"),
        (('language = "en"', 'language = "English"'), "is not a language tag"),
        (('source = "SRS v3.0, licensed to Example Clinic"\n', ""), "'source' is required"),
        (("[items]", 'colour = "red"\n[items]'), "unknown keys ['colour']"),
        (("[items]", "[itemz]"), "unknown keys ['itemz']"),
        (('"1" = "Licensed', '"1" = "Licensed\n'), "is not valid TOML"),
    ],
)
def test_it_refuses_wording_that_does_not_fit_and_installs_nothing(
    tmp_path: Path, change: tuple[str, str], says: str
) -> None:
    path = wording_file(tmp_path, SRS_WORDING.replace(*change))
    with pytest.raises(WordingError) as caught:
        install_wording(path, base=tmp_path / "site")
    assert says in caught.value.message
    assert str(path) in str(caught.value)
    assert not (tmp_path / "site" / "wording").exists()
    assert form_text("srs", base=tmp_path / "site").demonstration


def test_it_refuses_anchors_for_a_points_scale(tmp_path: Path) -> None:
    text = SRS_WORDING.replace('"srs"', '"phq-9"').replace('"4" = "Licensed overall text"\n', "")
    text += "".join(f'"{n}" = "item {n}"\n' for n in range(4, 10))
    with pytest.raises(WordingError, match="anchors apply only"):
        install_wording(wording_file(tmp_path, text), base=tmp_path)


def test_it_replaces_earlier_wording_for_the_same_language(tmp_path: Path) -> None:
    install_wording(wording_file(tmp_path), base=tmp_path / "site")
    newer = SRS_WORDING.replace("Licensed overall text", "Revised overall text")
    install_wording(wording_file(tmp_path, newer, "newer.toml"), base=tmp_path / "site")
    wording = installed_wording("srs", "en", base=tmp_path / "site")
    assert wording is not None and wording.items["4"] == "Revised overall text"
    assert sorted(p.name for p in (tmp_path / "site" / "wording").iterdir()) == ["srs.en.toml"]
