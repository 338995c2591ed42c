"""Reading long-format caseloads: one row per item answer, grouped by client, bad rows
named by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance.analytics.long_format import InputError, open_rows, read_clients

HEADER = "client_id,session,date,instrument,item,value,clinician_id\n"


def srs_rows(client: str, session: int, values: tuple[float, ...] = (9, 9, 9, 9.5)) -> str:
    return "".join(
        f"{client},{session},2026-01-{session:02d},srs,{n},{v},T1\n"
        for n, v in enumerate(values, start=1)
    )


def write(tmp_path: Path, body: str, name: str = "caseload.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + body)
    return path


def clients(path: Path, **kwargs: object) -> list:  # type: ignore[type-arg]
    return list(read_clients(open_rows(path), **kwargs))  # type: ignore[arg-type]


def test_it_groups_rows_into_scored_administrations_per_client(tmp_path: Path) -> None:
    path = write(tmp_path, srs_rows("A", 1) + srs_rows("A", 2, (8, 8, 8, 8)) + srs_rows("B", 1))
    blocks = clients(path)
    assert [b.episode.client_id for b in blocks] == ["A", "B"]
    a = blocks[0].episode
    assert [(x.session_number, x.instrument, x.total) for x in a] == [
        (1, "srs", 36.5),
        (2, "srs", 32.0),
    ]
    assert a.clinician_id == "T1" and blocks[0].rows == 8
    assert str(a.administrations[0].date) == "2026-01-01"


def test_it_reads_json_lines_the_same_way(tmp_path: Path) -> None:
    lines = "".join(
        f'{{"client_id": "A", "session": 1, "date": "2026-01-01", "instrument": "srs", '
        f'"item": "{n}", "value": 9}}\n'
        for n in range(1, 5)
    )
    path = tmp_path / "caseload.jsonl"
    path.write_text(lines)
    (block,) = clients(path)
    assert block.episode.administrations[0].total == 36.0
    assert block.episode.administrations[0].respondent == "client"


@pytest.mark.parametrize(
    ("body", "line", "says"),
    [
        ("A,1,2026-01-01,srs,1,9,T1\nA,x,2026-01-01,srs,2,9,T1\n", 3, "session 'x' is not"),
        ("A,1,2026-13-01,srs,1,9,T1\n", 2, "is not an ISO date"),
        ("A,1,2026-01-01,sr5,1,9,T1\n", 2, "unknown instrument 'sr5'"),
        ("A,1,2026-01-01,srs,1,nine,T1\n", 2, "value 'nine' is not a number"),
        ("A,1,2026-01-01,srs,1,9\n", 2, "expected 7 fields"),
        (",1,2026-01-01,srs,1,9,T1\n", 2, "client_id is empty"),
        ("A,0,2026-01-01,srs,1,9,T1\n", 2, "session 0 must be 1 or more"),
        (srs_rows("A", 1, (9, 9, 10.5, 9)), 4, "srs item 3: 10.5 is outside the scale"),
        (srs_rows("A", 1, (9, 9, 9)), 2, "item 4 not answered"),
        (srs_rows("A", 1) + srs_rows("B", 1) + srs_rows("A", 2), 10, "appears again"),
    ],
)
def test_it_stops_at_a_bad_row_naming_the_line(
    tmp_path: Path, body: str, line: int, says: str
) -> None:
    with pytest.raises(InputError) as caught:
        clients(write(tmp_path, body))
    assert caught.value.line == line
    assert says in caught.value.message
    assert str(caught.value).startswith(f"line {line}: ")


def test_it_refuses_a_file_without_the_needed_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "A,1,srs,1,9\n", header="client_id,session,instrument,item,value\n")
    with pytest.raises(InputError, match="line 1: missing columns: date"):
        clients(path)


def test_it_skips_bad_rows_and_forms_when_asked_and_reports_each(tmp_path: Path) -> None:
    body = (
        srs_rows("A", 1)
        + "A,2,2026-01-02,srs,1,lots,T1\n"  # a bad row: its whole form is left out
        + srs_rows("A", 2)[srs_rows("A", 2).index("\n") + 1 :]
        + srs_rows("A", 3)
        + srs_rows("A", 4, (9, 9, 9))  # a form with an item missing
    )
    problems: list[InputError] = []
    (block,) = clients(write(tmp_path, body), on_problem=problems.append)
    assert [a.session_number for a in block.episode] == [1, 3]  # session 2's form is left out whole
    assert [p.line for p in problems] == [6, 14]
    assert [p.as_dict() for p in problems] == [
        {"line": 6, "client": "A", "session": 2, "instrument": "srs",
         "reason": "value 'lots' is not a number; the form is left out"},
        {"line": 14, "client": "A", "session": 4, "instrument": "srs",
         "reason": "srs: item 4 not answered; every item is needed (there is no published rule "
                   "for scoring an incomplete form); the form is left out"},
    ]  # fmt: skip
    assert str(problems[0]) == "line 6: client A session 2 srs: value 'lots' is not a number; " \
        "the form is left out"  # fmt: skip
    assert block.problems == problems


def test_it_takes_the_therapist_as_respondent_of_the_therapist_form(tmp_path: Path) -> None:
    body = "".join(f"A,3,2026-01-03,wai-sr-t,{n},4,T1\n" for n in range(1, 13))
    (block,) = clients(write(tmp_path, body))
    assert block.episode.administrations[0].respondent == "therapist"


def phq9_rows(client: str, session: int, answers: dict[str, object]) -> str:
    return "".join(
        f"{client},{session},2026-01-{session:02d},phq-9,{item},{value},T1\n"
        for item, value in answers.items()
    )


def test_it_keeps_a_self_harm_answer_from_a_form_it_cannot_score(tmp_path: Path) -> None:
    answers = {str(n): 1 for n in range(1, 10) if n != 4} | {"9": 2}  # item 4 missing
    path = write(tmp_path, phq9_rows("A", 1, answers))
    with pytest.raises(InputError, match="item 9 = 2: self-harm endorsed"):
        clients(path)
    problems: list[InputError] = []
    (block,) = clients(path, on_problem=problems.append)
    assert block.episode.administrations == ()
    (alert,) = block.alerts
    assert (alert.kind, alert.severity, alert.session_number) == ("self_harm_risk", "urgent", 1)
    assert alert.evidence == {"item_9": 2, "phq9_total": None, "form_scored": False}
    assert "self-harm endorsed" in problems[0].message


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("A,1_0,2026-01-01,srs,1,9,T1\n", "session '1_0' is not a whole number"),
        ("A,1,2026-01-01,srs,1,1_0,T1\n", "value '1_0' is not a number"),
        ("A,1,2026-01-01,srs,1," + "9" * 200_000 + ",T1\n", "not readable as CSV"),
    ],
)
def test_it_refuses_numbers_python_alone_would_stretch_to_read(
    tmp_path: Path, body: str, says: str
) -> None:
    with pytest.raises(InputError, match=says):
        clients(write(tmp_path, body))


def test_it_refuses_a_row_whose_respondent_does_not_fit_the_instrument(tmp_path: Path) -> None:
    header = "client_id,session,date,instrument,item,value,respondent\n"
    path = write(tmp_path, "A,1,2026-01-01,srs,1,9,therapist\n", header=header)
    with pytest.raises(InputError, match="srs is answered by the client, not the therapist"):
        clients(path)


def test_it_refuses_a_header_that_names_a_column_twice(tmp_path: Path) -> None:
    header = "client_id,session,date,instrument,item,value,value\n"
    with pytest.raises(InputError, match="line 1: the header names value more than once"):
        clients(write(tmp_path, "A,1,2026-01-01,srs,1,9,8\n", header=header))


def test_it_names_the_line_of_the_repeated_answer(tmp_path: Path) -> None:
    body = srs_rows("A", 1) + "A,1,2026-01-01,srs,2,7,T1\n"
    with pytest.raises(InputError) as caught:
        clients(write(tmp_path, body))
    assert caught.value.line == 6 and "answered twice" in caught.value.message


def test_it_reads_json_lines_that_start_with_a_byte_order_mark(tmp_path: Path) -> None:
    lines = "".join(
        f'{{"client_id": "A", "session": 1, "date": "", "instrument": "srs", '
        f'"item": "{n}", "value": 9}}\n'
        for n in range(1, 5)
    )
    path = tmp_path / "caseload.jsonl"
    path.write_text("\ufeff" + lines)
    (block,) = clients(path)
    assert block.episode.administrations[0].total == 36.0
