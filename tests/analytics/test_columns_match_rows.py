"""`alliance analyze` read in columns says exactly what the row path says.

The row path (`analyze_rows`) defines the analysis; `analyze_file` reads a file in columns
and must give the same JSON, to the byte, and the same lines on stderr in the same order:
the same clients, signals (severity, evidence, wording), problems, notes and summary. The
caseloads are generated (clean and clinic-like, several seeds and sizes), then damaged the
ways real exports are: bad values, missing items, repeated rows, two forms at one session,
self-harm in a PHQ-9 that cannot be scored, dates going backwards, and fields the columns do
not read themselves (those clients go to the row reader). Files whose shape needs the csv
module go to the row path whole; that is checked too.
"""

from __future__ import annotations

import dataclasses
import io
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from alliance.analytics import analyze as analyze_module
from alliance.analytics import analyze_columns, chunk_pool, columns
from alliance.analytics.analyze import analyze_file, analyze_rows, build_reference_rows
from alliance.analytics.analyze_columns import columns_reference
from alliance.analytics.cross_fit import AnyReference, reference_to_data
from alliance.analytics.forms import scale_of, score_units
from alliance.analytics.report import JsonReport
from alliance.measures import score, set_site_cutoffs
from alliance.monitoring import MonitoringConfig
from alliance.synthetic import generate_caseload, write_long_csv
from alliance.synthetic_clinic import generate_clinic_caseload

CONFIG = MonitoringConfig()
# Fields: client_id, session, date, instrument, item, value, clinician_id, respondent.
Row = list[str]


def caseload_rows(kind: str, clients: int, seed: int) -> list[Row]:
    generate = generate_caseload if kind == "clean" else generate_clinic_caseload
    out = io.StringIO()
    write_long_csv(generate(clients, seed=seed), out)
    return [line.split(",") for line in out.getvalue().splitlines()]


def by_client(rows: list[Row]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for number, row in enumerate(rows[1:], start=1):
        found.setdefault(row[0], []).append(number)
    return found


def form_rows(rows: list[Row], lines: list[int], instrument: str) -> list[list[int]]:
    """The line numbers of each of the client's forms of `instrument`, by session."""
    forms: dict[str, list[int]] = {}
    for number in lines:
        if rows[number][3] == instrument:
            forms.setdefault(rows[number][1], []).append(number)
    return list(forms.values())


def damage(rows: list[Row], seed: int) -> list[Row]:
    """The rows with every kind of damage, each to its own client (a few clients are left
    whole between them)."""
    rows = [list(row) for row in rows]
    rng = random.Random(seed)
    clients = list(by_client(rows).values())
    rng.shuffle(clients)
    dropped: set[int] = set()
    extra: dict[int, list[Row]] = {}

    def srs_form(lines: list[int]) -> list[int]:
        return rng.choice(form_rows(rows, lines, "srs"))

    def phq9_form(lines: list[int]) -> list[int] | None:
        forms = form_rows(rows, lines, "phq-9")
        return rng.choice(forms) if forms else None

    def set_value(value: str) -> Callable[[list[int]], None]:
        def apply(lines: list[int]) -> None:
            rows[rng.choice(srs_form(lines))][5] = value

        return apply

    def set_field(field: int, value: str) -> Callable[[list[int]], None]:
        def apply(lines: list[int]) -> None:
            for number in srs_form(lines):
                rows[number][field] = value

        return apply

    def missing(lines: list[int]) -> None:
        dropped.add(rng.choice(srs_form(lines)))

    def repeated(lines: list[int]) -> None:
        number = rng.choice(srs_form(lines))
        extra.setdefault(number, []).append(list(rows[number]))

    def conflict(lines: list[int]) -> None:
        number = rng.choice(srs_form(lines))
        other = list(rows[number])
        other[5] = "0.5" if other[5] != "0.5" else "9.5"
        extra.setdefault(number, []).append(other)

    def broken_self_harm(lines: list[int]) -> None:
        form = phq9_form(lines)
        if form is not None:
            rows[form[8]][5] = "2"
            rows[form[2]][5] = "often"

    def missing_self_harm(lines: list[int]) -> None:
        form = phq9_form(lines)
        if form is not None:
            rows[form[8]][5] = "3"
            dropped.add(form[0])

    def backwards(lines: list[int]) -> None:
        last = rows[lines[-1]][1]
        for number in lines:
            if rows[number][1] == last:
                rows[number][2] = "2025-01-02"

    def two_dates(lines: list[int]) -> None:
        rows[srs_form(lines)[1]][2] = "2024-12-31"

    def spaced_id(lines: list[int]) -> None:
        for number in lines[len(lines) // 2 :]:
            rows[number][0] = f" {rows[number][0]} "

    harms: list[Callable[[list[int]], None]] = [
        set_value("often"), set_value("10.5"), set_value("2.55"), set_value("-1"),
        set_value("1e0"), set_value("9.50"), set_value(" 9"), set_value("09.5"),
        set_value("9.5000001"), missing, repeated, conflict, broken_self_harm,
        missing_self_harm, backwards, two_dates, set_field(3, "SRS"), set_field(3, "xyz"),
        set_field(7, "Client"), set_field(7, "therapist"), set_field(1, " 3"),
        set_field(1, "0"), set_field(1, "x"), set_field(2, "2026-02-30"),
        set_field(2, "20260105"), set_field(2, ""), set_field(4, "13"), set_field(4, "01"),
        set_field(6, " T9 "), spaced_id,
    ]  # fmt: skip
    for harm, lines in zip(harms, clients[1::2], strict=False):
        harm(lines)
    damaged = [rows[0]]
    for number, row in enumerate(rows[1:], start=1):
        if number not in dropped:
            damaged.append(row)
        damaged.extend(extra.get(number, []))
    return damaged


def text(rows: list[Row], *, ending: str = "\n") -> str:
    return "".join(",".join(row) + ending for row in rows)


def said_by(
    run: Callable[..., Any],
    path: Path,
    reference: AnyReference | None,
    config: MonitoringConfig,
    *,
    rendered: bool = False,
) -> tuple[str, list[str]]:
    """The JSON `alliance analyze --format json` prints, and its stderr lines; `rendered`:
    as the command runs it, the report rendering each client where it is monitored."""
    out, said = io.StringIO(), []
    report = JsonReport(out, config)
    handed: dict[str, Any] = {"renderer": report} if rendered else {"on_client": report.client}
    analysis = run(
        path,
        config=config,
        reference=reference,
        **handed,
        on_problem=lambda found: said.append(f"left out: {found}"),
        on_note=lambda found: said.append(f"note: {found}"),
    )
    report.finish(analysis)
    return out.getvalue(), said


@pytest.fixture
def columns_only(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The columns must read the file themselves: the row path is refused. Collects the
    clients the row reader read inside the columns."""

    def refused(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file went to the row path")

    read: set[str] = set()
    read_block = analyze_columns.read_block

    def collecting(rows: list[tuple[int, list[str]]], *args: Any) -> Any:
        read.add(rows[0][1][0].strip())
        return read_block(rows, *args)

    monkeypatch.setattr(analyze_module, "analyze_rows", refused)
    monkeypatch.setattr(analyze_columns, "read_block", collecting)
    return read


def compare(
    path: Path,
    reference: AnyReference | None = None,
    config: MonitoringConfig = CONFIG,
    *,
    rendered: bool = True,
) -> tuple[str, list[str], str, list[str]]:
    rows_json, rows_said = said_by(analyze_rows, path, reference, config)
    return (rows_json, rows_said,
            *said_by(analyze_file, path, reference, config, rendered=rendered))  # fmt: skip


def write(tmp_path: Path, body: str | bytes, name: str = "caseload.csv") -> Path:
    path = tmp_path / name
    if isinstance(body, str):
        body = body.encode("utf-8")
    path.write_bytes(body)
    return path


@pytest.mark.parametrize(
    ("kind", "clients", "seed"),
    [("clean", 40, 1), ("clean", 90, 2), ("clinic", 60, 3), ("clinic", 120, 4)],
)
def test_it_reads_a_generated_caseload_in_columns_as_the_row_path_does(
    tmp_path: Path, kind: str, clients: int, seed: int, columns_only: set[str]
) -> None:
    path = write(tmp_path, text(caseload_rows(kind, clients, seed)))
    rows_json, rows_said, columns_json, columns_said = compare(path)
    assert json.loads(columns_json)["summary"]["clients"] == clients
    assert columns_json == rows_json and columns_said == rows_said == []
    assert columns_only == set()  # no client needed the row reader


@pytest.mark.parametrize(("kind", "seed"), [("clean", 5), ("clinic", 6), ("clinic", 7)])
def test_it_finds_every_problem_and_note_of_a_damaged_file_as_the_row_path_does(
    tmp_path: Path, kind: str, seed: int, columns_only: set[str]
) -> None:
    path = write(tmp_path, text(damage(caseload_rows(kind, 80, seed), seed)))
    rows_json, rows_said, columns_json, columns_said = compare(path)
    assert len(json.loads(columns_json)["problems"]) >= 12  # the damage was seen
    assert any("self-harm endorsed" in line for line in columns_said)
    assert columns_json == rows_json
    assert columns_said == rows_said
    assert 20 <= len(columns_only) <= 30  # the damaged clients, not the others


def test_it_judges_against_fitted_trajectories_as_the_row_path_does(
    tmp_path: Path, columns_only: set[str]
) -> None:
    """Enough clients for expected trajectories on the PHQ-9: the same models are built
    from the file either way, and each client is judged against the same one."""
    path = write(tmp_path, text(damage(caseload_rows("clean", 170, 8), 8)))
    from_columns = columns_reference(path, CONFIG)
    from_rows = build_reference_rows(path, CONFIG)
    assert reference_to_data(from_columns) == reference_to_data(from_rows)
    assert from_columns.halves[0].trajectories["phq-9"] is not None
    rows_json, rows_said, columns_json, columns_said = compare(path, from_rows)
    assert '"method": "expected_trajectory"' in columns_json
    assert columns_json == rows_json and columns_said == rows_said


def test_it_reads_clients_split_across_its_reads_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns_only: set[str]
) -> None:
    monkeypatch.setattr(columns, "CHUNK_BYTES", 3000)  # a client's rows span several reads
    path = write(tmp_path, text(damage(caseload_rows("clinic", 30, 9), 9)))
    rows_json, rows_said, columns_json, columns_said = compare(path)
    assert columns_json == rows_json and columns_said == rows_said


@pytest.mark.parametrize("rendered", [True, False], ids=["rendered there", "handed back"])
@pytest.mark.parametrize("workers", [0, 1, 2])
def test_it_says_the_same_whether_chunks_are_monitored_here_or_in_worker_processes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    columns_only: set[str],
    workers: int,
    rendered: bool,
) -> None:
    """Many small chunks, damaged clients among them (those stay in this process): the
    clients, problems and notes come out in file order however many processes monitor,
    whether the report's text is made in the workers or the clients are handed back."""
    monkeypatch.setattr(columns, "CHUNK_BYTES", 4000)
    monkeypatch.setattr(chunk_pool, "workers", lambda: workers)
    path = write(tmp_path, text(damage(caseload_rows("clinic", 90, 12), 12)))
    rows_json, rows_said, columns_json, columns_said = compare(path, rendered=rendered)
    assert len(json.loads(columns_json)["problems"]) >= 12
    assert columns_json == rows_json and columns_said == rows_said


def test_it_reads_with_the_lenient_rupture_threshold_as_the_row_path_does(
    tmp_path: Path, columns_only: set[str]
) -> None:
    path = write(tmp_path, text(caseload_rows("clinic", 60, 10)))
    lenient = dataclasses.replace(MonitoringConfig.lenient(), rupture_method="previous")
    rows_json, _, columns_json, _ = compare(path, config=lenient)
    assert '"possible_rupture"' in columns_json and columns_json == rows_json


def reorder(rows: list[Row], order: list[int]) -> list[Row]:
    return [[row[k] for k in order] for row in rows]


@pytest.mark.parametrize(
    "shape",
    ["crlf", "blank lines", "byte order mark", "no final newline", "columns reordered",
     "no optional columns", "extra column"],
)  # fmt: skip
def test_it_reads_other_plain_shapes_of_csv_in_columns(
    tmp_path: Path, shape: str, columns_only: set[str]
) -> None:
    rows = damage(caseload_rows("clean", 30, 11), 11)
    body = {
        "crlf": lambda: text(rows, ending="\r\n"),
        "blank lines": lambda: text(rows[:50]) + "\n\r\n" + text(rows[50:]) + "\n",
        "byte order mark": lambda: "\ufeff" + text(rows),
        "no final newline": lambda: text(rows)[:-1],
        "columns reordered": lambda: text(reorder(rows, [3, 0, 5, 1, 4, 2, 7, 6])),
        "no optional columns": lambda: text(reorder(rows, [0, 1, 2, 3, 4, 5])),
        "extra column": lambda: text([[*row, "x"] for row in rows]),
    }[shape]()
    path = write(tmp_path, body)
    rows_json, rows_said, columns_json, columns_said = compare(path)
    assert json.loads(columns_json)["summary"]["clients"] == 30
    assert columns_json == rows_json and columns_said == rows_said


@pytest.mark.parametrize(
    "shape",
    ["quoted fields", "a row with a field too many", "a client met again", "an empty client_id",
     "json lines", "bytes that are not UTF-8"],
)  # fmt: skip
def test_it_hands_a_file_the_csv_module_must_judge_to_the_row_path(
    tmp_path: Path, shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = caseload_rows("clean", 12, 12)
    lines = text(rows).splitlines(keepends=True)
    name = "caseload.csv"
    body: str | bytes
    if shape == "quoted fields":
        body = "".join(lines).replace("C0003,", '"C0003",')
    elif shape == "a row with a field too many":
        body = "".join(lines[:40]) + lines[40].rstrip("\n") + ",x\n" + "".join(lines[41:])
    elif shape == "a client met again":
        body = "".join(lines) + lines[1]
    elif shape == "an empty client_id":
        body = "".join(lines[:40]) + "," + lines[40].split(",", 1)[1] + "".join(lines[41:])
    elif shape == "json lines":
        header = rows[0]
        body = "".join(json.dumps(dict(zip(header, row, strict=True))) + "\n" for row in rows[1:])
        name = "caseload.jsonl"
    else:
        body = "".join(lines).encode("utf-8").replace(b"C0004,", b"C\xff004,")
    path = write(tmp_path, body, name)
    went: list[str] = []
    monkeypatch.setattr(analyze_module, "analyze_rows", lambda *a, **k: went.append("rows")
                        or analyze_rows(*a, **k))  # fmt: skip
    rows_json, rows_said = said_by(analyze_rows, path, None, CONFIG)
    columns_json, columns_said = said_by(analyze_file, path, None, CONFIG)
    assert went == ["rows"]
    assert columns_json == rows_json and columns_said == rows_said


@pytest.mark.parametrize("workers", [0, 2])
def test_a_file_found_to_need_the_row_path_late_is_reported_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """With a reference at hand the workers monitor while the file is read: a quoted field in
    the last client sends the file to the row path after many chunks were monitored, and
    still no client, problem or note is said twice."""
    monkeypatch.setattr(columns, "CHUNK_BYTES", 4000)
    monkeypatch.setattr(chunk_pool, "workers", lambda: workers)
    rows = damage(caseload_rows("clinic", 60, 13), 13)
    last = rows[-1][0]
    body = text(rows).replace(f"\n{last},", f'\n"{last}",')
    path = write(tmp_path, body)
    reference = build_reference_rows(path, CONFIG)
    went: list[str] = []
    monkeypatch.setattr(analyze_module, "analyze_rows", lambda *a, **k: went.append("rows")
                        or analyze_rows(*a, **k))  # fmt: skip
    rows_json, rows_said, columns_json, columns_said = compare(path, reference)
    assert went == ["rows"]
    assert len(json.loads(columns_json)["problems"]) >= 12
    assert columns_json == rows_json and columns_said == rows_said


@pytest.mark.parametrize(
    "instrument", ["srs", "phq-9", "gad-7", "ors", "wai-sr", "wai-sr-t", "wai"]
)
def test_it_builds_each_score_from_units_as_scoring_does(instrument: str) -> None:
    scale = scale_of(instrument)
    rng = random.Random(instrument)
    built, scored = [], []
    for _ in range(300):
        units = [
            rng.randint(scale.low, scale.high) if points is None else rng.choice(points)
            for points in scale.allowed
        ]
        if len(units) > scale.scored and rng.random() < 0.5:
            units[-1] = -1  # a supplementary item not given
        answers = [(item, u if scale.unit == 1 else u / scale.unit)
                   for item, u in zip(scale.item_ids, units, strict=True) if u >= 0]  # fmt: skip
        built.append(score_units(scale, units))
        scored.append(score(instrument, answers))
    assert len(built) == 300 and built == scored


def form(client: str, session: int, instrument: str, values: list[object], **extra: str) -> str:
    date = extra.get("date", f"2026-03-{session:02d}")
    who = extra.get("respondent", "")
    return "".join(
        f"{client},{session},{date},{instrument},{n},{v},T1,{who}\n"
        for n, v in enumerate(values, start=1)
    )


HEADER = "client_id,session,date,instrument,item,value,clinician_id,respondent\n"


def test_it_reads_an_empty_caseload_as_the_row_path_does(
    tmp_path: Path, columns_only: set[str]
) -> None:
    rows_json, rows_said, columns_json, columns_said = compare(write(tmp_path, HEADER))
    assert json.loads(columns_json)["summary"]["clients"] == 0
    assert columns_json == rows_json and columns_said == rows_said


def test_it_reads_every_instrument_and_odd_clients_as_the_row_path_does(
    tmp_path: Path, columns_only: set[str]
) -> None:
    """Every instrument (the 36-item WAI too), a therapist's WAI-SR-T beside the client's, a
    PHQ-9 with its supplementary item, an endorsed item 9, a client id beyond ASCII, a client
    whose every row is bad, and one whose rows come by instrument, not by session."""
    wai = [4, 5, 3, 6, 2, 7, 1] * 5 + [4]
    phq9 = [1, 2, 1, 2, 1, 2, 1, 1, 2]
    body = (
        "".join(form("Zoë", s, "srs", [9.1, 8.2, 7.3, 10 - s]) for s in (1, 2, 3))
        + form("Zoë", 2, "wai", wai)
        + form("Zoë", 2, "wai-sr", [3, 4, 2, 5, 3, 4, 2, 5, 3, 4, 2, 5])
        + form("Zoë", 2, "wai-sr-t", [5] * 12, respondent="therapist")
        + "".join(form("Zoë", s, "gad-7", [3, 2, 3, 2, 3 - s // 2, 2, 1]) for s in (1, 2, 3))
        + "".join(form("Zoë", s, "ors", [2.5 + s, 3.1, 4.2, 5.3]) for s in (1, 2, 3))
        + "".join(form("B", s, "phq-9", [*phq9, 3]) for s in (3, 1, 2))
        + "".join(form("B", s, "srs", [8, 8, 8, 8]) for s in (2, 3, 1))
        + form("C", 1, "srs", ["x", "y", "z", "w"])
        + "".join(form("D", s, "phq-9", [3] * 9) for s in (1, 2, 3, 4))
    )
    rows_json, rows_said, columns_json, columns_said = compare(write(tmp_path, HEADER + body))
    out = json.loads(columns_json)
    assert [c["client_id"] for c in out["clients"]] == ["Zoë", "B", "C", "D"]
    assert out["summary"]["signals"]["self_harm_risk"]["clients"] == 2
    assert columns_json == rows_json and columns_said == rows_said
    assert columns_only == {"C"}  # only the client with bad rows needed the row reader


@pytest.fixture
def site_cutoffs() -> Iterator[None]:
    """A site's own cutoffs, in force for one test."""
    set_site_cutoffs({"srs": {"alliance_concern": 37.5}, "phq-9": {"caseness": 12.0}})
    yield
    set_site_cutoffs(None)


def test_it_reads_with_a_sites_own_cutoffs_as_the_row_path_does(
    tmp_path: Path, site_cutoffs: None, columns_only: set[str]
) -> None:
    path = write(tmp_path, text(caseload_rows("clean", 50, 13)))
    rows_json, _, columns_json, _ = compare(path)
    assert '"cutoff": 37.5' in columns_json and columns_json == rows_json
