"""`alliance analyze` on flawed files: the JSON is complete and valid with every client, each
problem is listed (in the JSON and one line each on stderr) and makes the exit status 2, notes
leave it 0, a broken PHQ-9 that endorses item 9 still raises the urgent signal, and a file
that cannot be read at all prints nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance.cli import main

HEADER = "client_id,session,date,instrument,item,value,clinician_id\n"


def form(client: str, session: int, instrument: str, values: list[object], date: str = "") -> str:
    date = date or f"2026-02-{session:02d}"
    return "".join(
        f"{client},{session},{date},{instrument},{n},{v},T1\n"
        for n, v in enumerate(values, start=1)
    )


def srs(client: str, session: int, date: str = "") -> str:
    return form(client, session, "srs", [9.5, 9.5, 9.5, 9.5], date)


def run(
    tmp_path: Path, body: str, capsys: pytest.CaptureFixture[str], *flags: str
) -> tuple[int, dict, list[str]]:  # type: ignore[type-arg]
    path = tmp_path / "caseload.csv"
    path.write_text(HEADER + body)
    status = main(["analyze", str(path), "--format", "json", *flags])
    captured = capsys.readouterr()
    return status, json.loads(captured.out), captured.err.splitlines()


def test_it_prints_complete_json_with_the_urgent_signal_of_a_broken_phq9(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = form("A", 2, "phq-9", [1, 1, "often", 1, 1, 1, 1, 1, 2])  # item 3 unreadable
    body = srs("A", 1) + srs("A", 2) + broken + srs("B", 1) + srs("C", 1)
    status, out, err = run(tmp_path, body, capsys)
    assert status == 2
    assert [c["client_id"] for c in out["clients"]] == ["A", "B", "C"]  # nothing cut short
    (urgent,) = [s for s in out["clients"][0]["signals"] if s["severity"] == "urgent"]
    assert (urgent["kind"], urgent["session"], urgent["evidence"]["form_scored"]) == (
        "self_harm_risk", 2, False,
    )  # fmt: skip
    assert out["clients"][0]["sessions"][-1]["headline"] == "self_harm_risk"
    assert out["problems"] == [{"line": 12, "client": "A", "session": 2, "instrument": "phq-9",
                                "reason": "value 'often' is not a number; the form is left "
                                          "out"}]  # fmt: skip
    assert err == [
        "alliance: left out: line 12: client A session 2 phq-9: value 'often' is not a number; "
        "the form is left out",
        "alliance: note: line 10: client A session 2 phq-9: PHQ-9 item 9 = 2 (self-harm "
        "endorsed) in a form left out: the urgent signal is raised all the same",
    ]
    assert out["summary"]["signals"]["self_harm_risk"]["clients"] == 1


def test_it_counts_a_repeated_row_once_with_a_note_and_exit_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = srs("A", 1) + srs("A", 2) + srs("A", 2).splitlines(keepends=True)[0]
    status, out, err = run(tmp_path, body, capsys)
    assert status == 0 and out["problems"] == []
    assert out["notes"] == [{"line": 10, "client": "A", "session": 2, "instrument": "srs",
                             "reason": "the row repeats an earlier row of the form word for "
                                       "word: counted once"}]  # fmt: skip
    assert err == ["alliance: note: line 10: client A session 2 srs: the row repeats an earlier "
                   "row of the form word for word: counted once"]  # fmt: skip
    assert out["summary"]["sessions"] == 2 and out["summary"]["note_count"] == 1


def test_it_reports_two_different_forms_at_one_session_and_leaves_both_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = srs("A", 1) + form("A", 2, "srs", [9, 9, 9, 9]) + form("A", 2, "srs", [4, 4, 4, 4])
    status, out, err = run(tmp_path, body, capsys)
    assert status == 2
    (problem,) = out["problems"]
    assert (problem["line"], problem["session"], problem["instrument"]) == (10, 2, "srs")
    assert "answered twice with different values" in problem["reason"]
    assert len(err) == 1 and err[0].startswith("alliance: left out: line 10: client A session 2")
    assert {s["session"] for s in out["clients"][0]["signals"]} <= {1}
    assert out["summary"]["administrations"] == 1


def test_it_notes_dates_that_go_backwards(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = srs("A", 1, "2026-03-10") + srs("A", 2, "2026-03-03") + srs("A", 3, "2026-03-17")
    status, out, err = run(tmp_path, body, capsys)
    assert status == 0 and out["problems"] == []
    (note,) = out["notes"]
    assert (note["line"], note["client"], note["session"]) == (6, "A", 2)
    assert "dated 2026-03-03, before session 1 (2026-03-10)" in note["reason"]
    assert len(err) == 1 and err[0].startswith("alliance: note: line 6:")
    assert out["summary"]["sessions"] == 3


def test_it_stops_at_the_first_problem_with_strict_even_with_a_saved_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = tmp_path / "reference.json"
    body = srs("A", 1) + srs("B", 1) + form("B", 2, "srs", [9, 9, 9]) + srs("C", 1)
    status, _out, _err = run(tmp_path, body, capsys, "--save-reference", str(reference))
    assert status == 2
    path = tmp_path / "caseload.csv"
    assert main(["analyze", str(path), "--format", "json", "--strict",
                 "--reference", str(reference)]) == 2  # fmt: skip
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith(f"alliance: error: {path}: line 10: client B session 2 srs: ")
    assert line.endswith("(--strict: stopped at the first problem)")
    # Without the reference pass, the output had begun: it is cut short, as documented.
    assert captured.out.startswith('{"clients": [') and "summary" not in captured.out


def test_it_prints_the_table_with_the_count_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "caseload.csv"
    path.write_text(HEADER + srs("A", 1) + form("A", 2, "phq-9", [0, 0, 0]))
    assert main(["analyze", str(path)]) == 2
    captured = capsys.readouterr()
    assert "left out: 1 bad rows or forms (listed on stderr)" in captured.out
    assert "Caseload summary" in captured.out and "eventual reliable deteriorators" in captured.out
    assert captured.err.startswith("alliance: left out: line 6: client A session 2 phq-9")


def test_it_prints_nothing_for_a_file_it_cannot_read_at_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "caseload.csv"
    path.write_text("client,when,what\nA,1,2\n")
    assert main(["analyze", str(path), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("alliance: error:") and "missing columns" in captured.err
