"""The `alliance` command: JSON out on success; on bad input exit 2 and one line on stderr."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from alliance.cli import main
from alliance.measures import definitions

ALL_IDS = {"gad-7", "ors", "phq-9", "srs", "wai", "wai-sr", "wai-sr-t"}
SCORE_KEYS = {
    "instrument",
    "total",
    "subscales",
    "subscale_means",
    "band",
    "flags",
    "lowest_items",
}
NOTICE = "Demonstration wording"

SRS_EXAMPLE = '{"1": 9.1, "2": 8.4, "3": 9, "4": 9.5}'
PHQ_EXAMPLE = '{"1": 2, "2": 2, "3": 1, "4": 3, "5": 0, "6": 1, "7": 2, "8": 0, "9": 1, "10": 1}'
WAI_SR_EXAMPLE = json.dumps(
    {str(n): v for n, v in enumerate([5, 4, 3, 2, 5, 4, 3, 2, 5, 4, 3, 2], start=1)}
)
SRS_WORDING = """\
instrument = "srs"
language = "en"
source = "SRS v3.0, licensed to Example Clinic"
[items]
"1" = "Installed relationship text"
"2" = "Installed goals text"
"3" = "Installed approach text"
"4" = "Installed overall text"
"""


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty site data folder, never the real user's."""
    folder = tmp_path / "data"
    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(folder))
    return folder


def _stdin(monkeypatch: pytest.MonkeyPatch, data: str | bytes) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(raw)))


def _score_ok(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    answers: str,
) -> dict[str, object]:
    _stdin(monkeypatch, answers)
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.endswith("\n") and out.count("\n") == 1, "exactly one JSON object on one line"
    result = json.loads(out)
    assert isinstance(result, dict)
    assert set(result) == SCORE_KEYS
    return result


def _one_error_line(err: str) -> str:
    assert err.startswith("alliance: error:"), err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    return err


# -- score -----------------------------------------------------------------------------------


def test_it_scores_an_srs_form_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _score_ok(capsys, monkeypatch, ["score", "srs"], SRS_EXAMPLE)
    assert result == {
        "instrument": "srs",
        "total": 36.0,
        "subscales": {},
        "subscale_means": {},
        "band": None,
        "flags": ["alliance_concern"],
        "lowest_items": ["2"],
    }


def test_it_scores_a_phq9_form_with_its_band_and_the_self_harm_flag(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _score_ok(capsys, monkeypatch, ["score", "phq-9"], PHQ_EXAMPLE)
    assert result == {
        "instrument": "phq-9",
        "total": 12,
        "subscales": {},
        "subscale_means": {},
        "band": "moderate",
        "flags": ["self_harm_risk"],
        "lowest_items": ["4"],
    }


def test_it_does_not_flag_self_harm_when_phq9_item_9_is_zero(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = json.loads(PHQ_EXAMPLE) | {"9": 0}
    result = _score_ok(capsys, monkeypatch, ["score", "phq-9"], json.dumps(answers))
    assert (result["total"], result["band"], result["flags"]) == (11, "moderate", [])


def test_it_scores_a_wai_sr_form_with_subscale_sums_and_means(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _score_ok(capsys, monkeypatch, ["score", "wai-sr"], WAI_SR_EXAMPLE)
    # Task 1 2 10 12, Bond 3 5 7 9, Goal 4 6 8 11.
    assert result == {
        "instrument": "wai-sr",
        "total": 42,
        "subscales": {"task": 15, "bond": 16, "goal": 11},
        "subscale_means": {"task": 3.75, "bond": 4.0, "goal": 2.75},
        "band": None,
        "flags": [],
        "lowest_items": ["4", "8", "12"],
    }


def test_it_reads_the_answers_from_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text('{"1": 10, "2": 10, "3": 9.9, "4": 10}', encoding="utf-8")
    # Whatever is on stdin is ignored when --file is given.
    result = _score_ok(capsys, monkeypatch, ["score", "srs", "--file", str(answers)], "[]")
    assert result["total"] == 39.9
    assert result["flags"] == []
    assert result["lowest_items"] == ["3"]


def test_it_lets_a_cutoff_be_overridden(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    default = _score_ok(capsys, monkeypatch, ["score", "srs"], SRS_EXAMPLE)
    assert default["flags"] == ["alliance_concern"]
    argv = ["score", "srs", "--cutoff", "alliance_concern=35.9"]
    overridden = _score_ok(capsys, monkeypatch, argv, SRS_EXAMPLE)
    assert overridden["flags"] == []
    assert overridden["total"] == 36.0


@pytest.mark.parametrize(
    ("cutoff", "named"),
    [
        ("no_such_cutoff=30", "no_such_cutoff"),
        ("alliance_concern", "alliance_concern"),
        ("alliance_concern=high", "alliance_concern=high"),
        ("alliance_concern=", "alliance_concern="),
        ("clinical=25", "clinical"),
    ],
)
def test_it_refuses_a_bad_cutoff(
    cutoff: str,
    named: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _stdin(monkeypatch, SRS_EXAMPLE)
    assert main(["score", "srs", "--cutoff", cutoff]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert named in _one_error_line(err)


MISSING_FILE = "<missing file>"
SRS_WITH = '{{"1": 9, "2": {two}, "3": 9, "4": 9}}'


@pytest.mark.parametrize(
    ("argv", "stdin", "named"),
    [
        pytest.param(["score", "srs-9"], SRS_EXAMPLE, ["srs-9"], id="unknown-instrument"),
        pytest.param(
            ["score", "srs"],
            '{"1": 9, "2": 9, "3": 9, "4": 9, "5": 9}',
            ["item '5'"],
            id="unknown-item",
        ),
        pytest.param(
            ["score", "srs"],
            '{"1": 9, "2": 9, "3": 9, "3": 8, "4": 9}',
            ["item 3", "twice"],
            id="duplicate-key",
        ),
        pytest.param(
            ["score", "srs"], '{"1": 9, "2": 9, "4": 9}', ["item 3", "not answered"], id="missing"
        ),
        pytest.param(
            ["score", "srs"],
            '{"1": 9, "2": 9, "3": 10.05, "4": 9}',
            ["srs item 3", "10.05"],
            id="srs-10.05",
        ),
        pytest.param(
            ["score", "phq-9"],
            '{"1": 1, "2": 1, "3": 1, "4": 1.5, "5": 1, "6": 1, "7": 1, "8": 1, "9": 1}',
            ["phq-9 item 4", "1.5"],
            id="phq9-1.5",
        ),
        pytest.param(
            ["score", "wai-sr"],
            json.dumps({str(n): 3 for n in range(1, 12)} | {"12": 0}),
            ["wai-sr item 12"],
            id="wai-sr-0",
        ),
        pytest.param(
            ["score", "srs"], SRS_WITH.format(two="NaN"), ["item 2", "not a finite"], id="nan"
        ),
        pytest.param(
            ["score", "srs"], SRS_WITH.format(two="Infinity"), ["item 2", "not a finite"], id="inf"
        ),
        pytest.param(
            ["score", "srs"], SRS_WITH.format(two='"high"'), ["srs item 2", "high"], id="string"
        ),
        pytest.param(
            ["score", "srs"], '{"1": 9, "2": 9,', ["not valid JSON", "line 1"], id="malformed"
        ),
        pytest.param(["score", "srs"], "[9, 9, 9, 9]", ["JSON object"], id="array"),
        pytest.param(["score", "srs"], b"\xff\xfe\xfa", ["UTF-8"], id="not-utf8"),
        pytest.param(["score", "srs"], "", ["not valid JSON"], id="empty"),
        pytest.param(
            ["score", "srs", "--file", MISSING_FILE], SRS_EXAMPLE, ["cannot read"], id="no-file"
        ),
    ],
)
def test_it_refuses_bad_input_with_one_error_line_and_exit_2(
    argv: list[str],
    stdin: str | bytes,
    named: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    missing = tmp_path / "nowhere" / "answers.json"
    argv = [str(missing) if arg == MISSING_FILE else arg for arg in argv]
    _stdin(monkeypatch, stdin)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    line = _one_error_line(err)
    for text in named:
        assert text in line
    assert named  # every case names what the line must say
    if str(missing) in argv:
        assert str(missing) in line


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_it_names_the_item_holding_nan_or_infinity(
    constant: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, SRS_WITH.format(two=constant))
    assert main(["score", "srs"]) == 2
    assert "item 2" in _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param('{"1": 1' + "0" * 400 + ', "2": 9, "3": 9, "4": 9}', id="int-beyond-float"),
        pytest.param('{"1": 1' + "0" * 5000 + "}", id="int-with-5000-digits"),
        pytest.param('{"1": ' + "[" * 600 + "]" * 600 + "}", id="nested-600-deep"),
    ],
)
def test_it_refuses_hostile_json_with_exit_2(
    answers: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, answers)
    try:
        status = main(["score", "srs"])
    except (OverflowError, ValueError, RecursionError) as exc:
        pytest.fail(f"{type(exc).__name__} escaped main()")
    assert status == 2
    _one_error_line(capsys.readouterr().err)


def test_it_exits_2_through_argparse_when_the_instrument_is_not_given(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["score"])
    assert caught.value.code == 2
    assert capsys.readouterr().out == ""


# -- instruments -----------------------------------------------------------------------------


def test_it_lists_every_instrument_in_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["instruments"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["id", "name", "items"]
    first_cells = {line.split()[0] for line in lines[1:]}
    assert first_cells == ALL_IDS == set(definitions())
    srs_row = next(line for line in lines if line.startswith("srs "))
    assert "Session Rating Scale" in srs_row and "0-40" in srs_row


def test_it_lists_every_instrument_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["instruments", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert isinstance(rows, list) and len(rows) == 7
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == ALL_IDS
    for row in rows:  # loop checked: the seven rows are counted above
        assert {"name", "items", "respondent", "scale", "total_min", "total_max"} <= set(row)
        assert {"subscales", "reverse_items", "cutoffs", "bands", "licence"} <= set(row)
    assert by_id["srs"]["items"] == 4
    assert (by_id["srs"]["total_min"], by_id["srs"]["total_max"]) == (0, 40)
    assert by_id["srs"]["cutoffs"] == {"alliance_concern": 36.0}
    assert by_id["wai"]["items"] == 36 and len(by_id["wai"]["reverse_items"]) == 14
    assert by_id["wai-sr"]["subscales"]["bond"] == ["3", "5", "7", "9"]
    assert by_id["wai-sr-t"]["respondent"] == "therapist"
    assert by_id["phq-9"]["licence"] == "public-domain"
    assert [b["label"] for b in by_id["gad-7"]["bands"]] == [
        "minimal",
        "mild",
        "moderate",
        "severe",
    ]


def test_it_shows_the_demonstration_notice_for_srs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["instruments", "show", "srs"]) == 0
    out = capsys.readouterr().out
    assert NOTICE in out
    assert "Relationship: felt heard, understood and respected" in out


def test_it_shows_the_phq9_wording_without_a_notice(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["instruments", "show", "phq-9"]) == 0
    out = capsys.readouterr().out
    assert NOTICE not in out
    assert (
        " 9. Thoughts that you would be better off dead or of hurting yourself in some way" in out
    )


def test_it_shows_an_instrument_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["instruments", "show", "srs", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == "srs"
    assert shown["demonstration_wording"] is True
    assert shown["notice"].startswith(NOTICE)
    assert list(shown["form_items"]) == ["1", "2", "3", "4"]


def test_it_refuses_to_show_an_unknown_instrument(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["instruments", "show", "srs-9"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "srs-9" in _one_error_line(err)


# -- install-wording -------------------------------------------------------------------------


def test_it_installs_site_wording_which_then_replaces_the_labels(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["instruments", "show", "srs"]) == 0
    assert NOTICE in capsys.readouterr().out

    source = tmp_path / "srs-wording.toml"
    source.write_text(SRS_WORDING, encoding="utf-8")
    assert main(["instruments", "install-wording", str(source)]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.startswith("installed ")
    assert (data_dir / "wording" / "srs.en.toml").read_text(encoding="utf-8") == SRS_WORDING

    assert main(["instruments", "show", "srs"]) == 0
    out = capsys.readouterr().out
    assert NOTICE not in out
    for text in ("relationship", "goals", "approach", "overall"):
        assert f"Installed {text} text" in out
    assert "Relationship: felt heard" not in out


@pytest.mark.parametrize(
    ("items", "named"),
    [
        pytest.param(["1", "2", "3"], "missing items 4", id="too-few"),
        pytest.param(["1", "2", "3", "4", "5"], "items not in srs: 5", id="extra-5"),
        pytest.param(["1", "2", "3", "5"], "missing items 4; items not in srs: 5", id="4-as-5"),
    ],
)
def test_it_refuses_wording_whose_item_ids_do_not_match(
    items: list[str],
    named: str,
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    body = SRS_WORDING.split("[items]")[0] + "[items]\n"
    body += "".join(f'"{item}" = "Text of item {item}"\n' for item in items)
    source = tmp_path / "srs-wording.toml"
    source.write_text(body, encoding="utf-8")

    assert main(["instruments", "install-wording", str(source)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert named in _one_error_line(err)
    assert sorted(data_dir.rglob("*")) == []

    assert main(["instruments", "show", "srs"]) == 0
    assert NOTICE in capsys.readouterr().out


# -- the installed console script ------------------------------------------------------------


def _console_script() -> str:
    beside = Path(sys.executable).with_name("alliance")
    if beside.is_file():
        return str(beside)
    found = shutil.which("alliance")
    assert found is not None, "the alliance console script is not installed"
    return found


def _run(args: list[str], stdin: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"ALLIANCE_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [_console_script(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_it_scores_through_the_installed_console_script(data_dir: Path) -> None:
    done = _run(["score", "srs"], SRS_EXAMPLE, data_dir)
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == {
        "instrument": "srs",
        "total": 36.0,
        "subscales": {},
        "subscale_means": {},
        "band": None,
        "flags": ["alliance_concern"],
        "lowest_items": ["2"],
    }


def test_it_exits_2_with_one_line_from_the_installed_console_script(data_dir: Path) -> None:
    done = _run(["score", "srs"], '{"1": 9, "2": 9, "3": 10.05, "4": 9}', data_dir)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "srs item 3" in _one_error_line(done.stderr)
