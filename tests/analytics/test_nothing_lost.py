"""Reading a flawed file: every bad row or form is left out and reported as a problem, what
leaves nothing out is a note, the reading goes on to the end, and a PHQ-9 that endorses item
9 raises the urgent signal even when the form is left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance.analytics.long_format import InputError, Note, open_rows, read_clients

HEADER = "client_id,session,date,instrument,item,value,clinician_id\n"


def rows(client: str, session: int, instrument: str, values: list[object], date: str = "") -> str:
    date = date or f"2026-01-{session:02d}"
    return "".join(
        f"{client},{session},{date},{instrument},{n},{v},T1\n"
        for n, v in enumerate(values, start=1)
    )


def srs(client: str, session: int, date: str = "") -> str:
    return rows(client, session, "srs", [9, 9, 9, 9.5], date)


def read(path: Path) -> tuple[list, list[InputError], list[Note]]:  # type: ignore[type-arg]
    problems: list[InputError] = []
    notes: list[Note] = []
    blocks = list(read_clients(open_rows(path, problems.append), problems.append, notes.append))
    return blocks, problems, notes


def write(tmp_path: Path, body: str | bytes, name: str = "caseload.csv") -> Path:
    path = tmp_path / name
    if isinstance(body, bytes):
        path.write_bytes(HEADER.encode() + body)
    else:
        path.write_text(HEADER + body)
    return path


def test_it_counts_a_row_repeated_word_for_word_once_and_notes_it(tmp_path: Path) -> None:
    body = srs("A", 1) + srs("A", 2) + srs("A", 2)  # session 2 exported twice
    (block,), problems, notes = read(write(tmp_path, body))
    assert problems == []
    assert [(a.session_number, a.total) for a in block.episode] == [(1, 36.5), (2, 36.5)]
    (note,) = notes
    assert note.as_dict() == {
        "line": 10, "client": "A", "session": 2, "instrument": "srs",
        "reason": "4 rows (lines 10, 11, 12, 13) repeat earlier rows of the form word for "
                  "word: each counted once",
    }  # fmt: skip


def test_it_leaves_out_two_different_forms_at_one_session_as_a_conflict(tmp_path: Path) -> None:
    body = srs("A", 1) + rows("A", 2, "srs", [9, 9, 9, 9]) + rows("A", 2, "srs", [5, 5, 5, 5])
    (block,), problems, notes = read(write(tmp_path, body))
    assert [a.session_number for a in block.episode] == [1]  # neither form of session 2
    (problem,) = problems
    assert (problem.line, problem.session, problem.instrument) == (10, 2, "srs")
    assert problem.message == (
        "item 1 is answered twice with different values (9 at line 6, 5 at line 10): two "
        "different forms at one session; the form is left out"
    )
    assert notes == []


def test_it_notes_dates_that_go_backwards_and_keeps_the_forms(tmp_path: Path) -> None:
    body = srs("A", 1, "2026-03-01") + srs("A", 2, "2026-02-01") + srs("A", 3, "2026-03-08")
    (block,), problems, notes = read(write(tmp_path, body))
    assert problems == []
    assert [a.session_number for a in block.episode] == [1, 2, 3]
    (note,) = notes
    assert (note.line, note.client, note.session, note.instrument) == (6, "A", 2, None)
    assert "dated 2026-02-01, before session 1 (2026-03-01)" in note.message


def test_it_notes_two_dates_given_for_one_session(tmp_path: Path) -> None:
    body = srs("A", 1, "2026-03-01") + rows("A", 1, "phq-9", [0] * 9, "2026-03-02")
    (block,), problems, notes = read(write(tmp_path, body))
    assert problems == [] and len(block.episode.administrations) == 2
    (note,) = notes
    assert note.line == 6 and "dated 2026-03-02, but line 2 dates the same session" in note.message
    assert {str(a.date) for a in block.episode} == {"2026-03-01"}


def phq9(answers: dict[int, object], extra: str = "") -> str:
    """A PHQ-9 at session 1: item n's answer, then any extra rows."""
    body = "".join(f"A,1,2026-01-01,phq-9,{n},{v},T1\n" for n, v in answers.items())
    return body + extra


ENDORSED = {n: 1 for n in range(1, 9)} | {9: 2}  # item 9 = 2


@pytest.mark.parametrize(
    ("form", "says"),
    [
        (phq9({n: v for n, v in ENDORSED.items() if n != 4}), "item 4 not answered"),
        (phq9(ENDORSED | {3: "x"}), "value 'x' is not a number"),
        (phq9(ENDORSED | {3: 7}), "outside"),
        (phq9(ENDORSED, "A,1,2026-01-01,phq-9,3,2,T1\n"), "different values"),
        (phq9(ENDORSED | {9: 0}, "A,1,2026-01-01,phq-9,9,2,T1\n"), "different values"),
        (phq9({n: 1 for n in range(1, 9)}, "A,1,2026-13-01,phq-9,9,2,T1\n"), "not an ISO date"),
    ],
    ids=["missing_item", "bad_value", "off_scale", "conflicting_item", "conflicting_item_9",
         "bad_date_on_item_9"],
)  # fmt: skip
def test_it_raises_self_harm_from_a_phq9_it_leaves_out(
    tmp_path: Path, form: str, says: str
) -> None:
    (block,), problems, _notes = read(write(tmp_path, srs("A", 1) + form))
    assert [a.instrument for a in block.episode] == ["srs"]  # the PHQ-9 is left out
    assert any(says in p.message for p in problems)
    (alert,) = block.alerts
    assert (alert.kind, alert.severity, alert.session_number) == ("self_harm_risk", "urgent", 1)
    assert alert.evidence == {"item_9": 2, "phq9_total": None, "form_scored": False}


def test_it_raises_no_self_harm_signal_from_a_form_left_out_whose_item_9_is_0(
    tmp_path: Path,
) -> None:
    (block,), problems, _notes = read(write(tmp_path, phq9(ENDORSED | {3: "x", 9: 0})))
    assert block.alerts == [] and len(problems) == 1


def test_it_leaves_out_a_client_met_again_and_reads_on(tmp_path: Path) -> None:
    body = srs("A", 1) + srs("B", 1) + srs("A", 2) + srs("C", 1)
    blocks, problems, _notes = read(write(tmp_path, body))
    assert [b.episode.client_id for b in blocks] == ["A", "B", "C"]
    assert [a.session_number for a in blocks[0].episode] == [1]
    (problem,) = problems
    assert (problem.line, problem.client) == (10, "A")
    assert problem.message.startswith("appears again after other clients: its 4 rows here "
                                      "(lines 10-13) are left out")  # fmt: skip


def test_it_reads_on_past_rows_it_cannot_read(tmp_path: Path) -> None:
    body = (
        srs("A", 1).encode()
        + b"A,2,2026-01-02,srs,1,9\n"  # a field short
        + b"A,2,2026-01-02,srs,2,\xff9,T1\n"  # not UTF-8
        + b"A,2,2026-01-02,srs,3,"
        + b"9" * 200_000
        + b",T1\n"  # beyond the csv field limit
        + srs("A", 3).encode()
        + b",4,2026-01-04,srs,1,9,T1\n"  # no client
    )
    (block,), problems, _notes = read(write(tmp_path, body))
    assert [a.session_number for a in block.episode] == [1, 3]
    assert [p.line for p in problems] == [6, 7, 8, 13]  # no row of session 2 was readable
    reasons = [p.message for p in problems]
    assert "expected 7 fields" in reasons[0] and "not UTF-8" in reasons[1]
    assert "not readable as CSV" in reasons[2] and "client_id is empty" in reasons[3]


def test_it_reads_on_past_json_lines_it_cannot_read(tmp_path: Path) -> None:
    good = '{"client_id": "A", "session": 1, "date": "", "instrument": "srs", "item": "%d", ' \
           '"value": 9}\n'  # fmt: skip
    body = good % 1 + "not json\n" + '{"client_id": "A"}\n' + "".join(good % n for n in (2, 3, 4))
    path = tmp_path / "caseload.jsonl"
    path.write_text(body)
    (block,), problems, _notes = read(path)
    assert block.episode.administrations[0].total == 36.0
    assert [(p.line, p.message) for p in problems] == [
        (2, "not a JSON object"),
        (3, "missing fields: session, date, instrument, item, value"),
    ]
