"""`alliance analyze`: the JSON shape, the table, and bad rows (left out, listed, exit 2; or,
with --strict, a stop at the first one)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance.cli import main

HEADER = "client_id,session,date,instrument,item,value,clinician_id\n"


def srs(client: str, session: int, total: float) -> str:
    line = round(total / 4, 1)
    values = [line, line, line, round(total - 3 * line, 1)]
    return "".join(
        f"{client},{session},2026-02-{session:02d},srs,{n},{v},T1\n"
        for n, v in enumerate(values, start=1)
    )


def phq9(client: str, session: int, total: int, item9: int = 0) -> str:
    answers, left = [], total - item9
    for _ in range(8):
        answers.append(min(3, left))
        left -= answers[-1]
    answers.append(item9)
    return "".join(
        f"{client},{session},2026-02-{session:02d},phq-9,{n},{v},T1\n"
        for n, v in enumerate(answers, start=1)
    )


@pytest.fixture
def caseload(tmp_path: Path) -> Path:
    body = "".join(srs("A", s, t) for s, t in enumerate((38, 38.4, 38, 38.4, 38, 32, 39), 1))
    body += "".join(phq9("A", s, t) for s, t in enumerate((15, 15, 14, 15, 15, 14, 8), 1))
    body += srs("B", 1, 39) + phq9("B", 1, 12, item9=1)
    path = tmp_path / "caseload.csv"
    path.write_text(HEADER + body)
    return path


def test_it_prints_clients_and_summary_in_the_documented_json_shape(
    caseload: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(caseload), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"clients", "problems", "notes", "summary"}
    assert out["problems"] == [] and out["notes"] == []
    assert [c["client_id"] for c in out["clients"]] == ["A", "B"]
    a_kinds = {s["kind"] for s in out["clients"][0]["signals"]}
    assert {"possible_rupture", "alliance_concern", "reliable_recovery", "not_on_track"} <= a_kinds
    b_signals = out["clients"][1]["signals"]
    assert [(s["kind"], s["severity"]) for s in b_signals] == [("self_harm_risk", "urgent")]
    for signal in out["clients"][0]["signals"]:  # loop checked: A's kinds are asserted above
        assert set(signal) >= {"kind", "session", "instrument", "severity", "evidence",
                               "explanation", "suggested_action", "rule"}  # fmt: skip
    assert set(out["summary"]["alliance_outcome"]) == {"phq-9", "ors", "gad-7"}
    outcome = out["summary"]["alliance_outcome"]["phq-9"]
    assert set(outcome) >= {"r", "n", "ci", "p", "r_partial", "r_partial_ci", "benchmark"}
    assert outcome["n"] == 1 and outcome["r"] is None  # one client with two PHQ-9 scores
    a_sessions = out["clients"][0]["sessions"]
    assert [card["session"] for card in a_sessions] == sorted(
        {s["session"] for s in out["clients"][0]["signals"]}
    )
    assert out["clients"][1]["sessions"] == [
        {"session": 1, "priority": "urgent", "headline": "self_harm_risk",
         "headline_instrument": "phq-9", "others": []}
    ]  # fmt: skip
    a_outcome = out["clients"][0]["outcome"]["instruments"]["phq-9"]
    assert (a_outcome["first_total"], a_outcome["last_total"]) == (15, 8)
    assert out["summary"]["clients"] == 2
    assert out["summary"]["srs_completion"] == 1.0
    assert out["summary"]["signals"]["self_harm_risk"]["clients"] == 1


def test_it_prints_a_readable_table_by_default(
    caseload: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(caseload)]) == 0
    out = capsys.readouterr().out
    assert "A (T1):" in out and "possible_rupture" in out
    assert "Caseload summary" in out and "SRS completion 100.0%" in out


def test_it_stops_at_the_first_bad_row_with_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    body = srs("A", 1, 38) + "A,2,2026-02-02,srs,1,eleven,T1\n" + "A,3,2026-02-03,srs,1,x,T1\n"
    path.write_text(HEADER + body)
    assert main(["analyze", str(path), "--format", "json", "--strict"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert err == [
        f"alliance: error: {path}: line 6: client A session 2 srs: value 'eleven' is not a "
        "number; the form is left out (--strict: stopped at the first problem)"
    ]
    assert captured.out == ""  # found while fitting the reference, before any output


def test_it_leaves_out_bad_rows_lists_them_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + srs("A", 1, 38) + "A,2,2026-02-02,srs,1,eleven,T1\n" + srs("A", 3, 37))
    assert main(["analyze", str(path), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "alliance: left out: line 6: client A session 2 srs: value 'eleven' is not a number; "
        "the form is left out"
    ]
    out = json.loads(captured.out)
    assert out["problems"] == [{"line": 6, "client": "A", "session": 2, "instrument": "srs",
                                "reason": "value 'eleven' is not a number; the form is left "
                                          "out"}]  # fmt: skip
    assert out["summary"]["problem_count"] == 1 and out["summary"]["sessions"] == 2
    # --skip-invalid, once needed to go on past a bad row, is still accepted: it changes nothing.
    assert main(["analyze", str(path), "--format", "json", "--skip-invalid"]) == 2
    assert json.loads(capsys.readouterr().out) == out


@pytest.mark.parametrize("name", ["missing.csv", "empty.csv"])
def test_it_refuses_a_missing_or_empty_file_with_exit_2(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.csv").write_text("")
    assert main(["analyze", str(tmp_path / name)]) == 2
    assert capsys.readouterr().err.startswith("alliance: error:")


def test_it_saves_a_reference_and_uses_it_again(
    caseload: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = tmp_path / "reference.json"
    assert main(["analyze", str(caseload), "--format", "json",
                 "--save-reference", str(reference)]) == 0  # fmt: skip
    first = json.loads(capsys.readouterr().out)
    assert json.loads(reference.read_text())["trajectories"] == {"phq-9": None}
    assert main(["analyze", str(caseload), "--format", "json",
                 "--reference", str(reference)]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out) == first
    reference.write_text("{}")
    assert main(["analyze", str(caseload), "--reference", str(reference)]) == 2
    assert "not a saved reference" in capsys.readouterr().err


def test_it_refuses_a_reference_that_cannot_be_written_or_trusted(
    caseload: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unwritable = tmp_path / "no-such-folder" / "reference.json"
    assert main(["analyze", str(caseload), "--save-reference", str(unwritable)]) == 2
    assert "No such file" in capsys.readouterr().err
    reference = tmp_path / "reference.json"
    fields = {"instrument": "phq-9", "intercept": "x", "intake": 1, "log_session": 1,
              "intake_by_log_session": 0, "re_intercept_var": 1, "re_slope_var": 1,
              "re_cov": 0, "residual_var": 1, "episodes": 40, "observations": 400}  # fmt: skip
    for bad in ({"intercept": "x"}, {"intercept": float("nan")}, {"residual_var": -1}):
        body = {"trajectories": {"phq-9": fields | bad}, "pooled_srs_sd": 1.5}
        reference.write_text(json.dumps(body))
        assert main(["analyze", str(caseload), "--reference", str(reference)]) == 2
        assert "not a saved reference" in capsys.readouterr().err


def test_it_refuses_to_make_the_self_harm_cutoff_less_sensitive(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = tmp_path / "phq9.json"
    answers.write_text(json.dumps({str(n): 0 for n in range(1, 9)} | {"9": 2}))
    status = main(["score", "phq-9", "--file", str(answers), "--cutoff", "self_harm_item=3"])
    assert status == 2
    assert "is fixed" in capsys.readouterr().err


def test_it_stops_quietly_when_the_reader_of_its_output_goes_away(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    from alliance.synthetic import generate_caseload, write_long_csv

    path = tmp_path / "caseload.csv"
    with path.open("w", newline="") as out:
        write_long_csv(generate_caseload(60, seed=5), out)
    command = shutil.which("alliance") or str(Path(sys.executable).with_name("alliance"))
    process = subprocess.Popen([command, "analyze", str(path)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()  # read a little, then hang up like `| head -1`
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in stderr
    assert process.returncode == 1
