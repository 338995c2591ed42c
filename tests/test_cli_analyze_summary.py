"""`alliance analyze`'s per-client outcome and session cards, and its summary: one
alliance-outcome block per outcome measure, how well not_on_track warned, full precision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance.cli import main

HEADER = "client_id,session,date,instrument,item,value,clinician_id\n"


def phq9(client: str, session: int, total: int) -> str:
    answers, left = [], total
    for _ in range(9):
        answers.append(min(3, left) if len(answers) < 8 else 0)
        left -= answers[-1]
    return "".join(
        f"{client},{session},2026-02-{session:02d},phq-9,{n},{v},T1\n"
        for n, v in enumerate(answers, start=1)
    )


def test_it_gives_each_client_the_episode_outcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "caseload.csv"
    path.write_text(HEADER + phq9("A", 1, 14) + phq9("A", 2, 11) + phq9("A", 3, 7))
    assert main(["analyze", str(path), "--format", "json"]) == 0
    (client,) = json.loads(capsys.readouterr().out)["clients"]
    outcome = client["outcome"]["instruments"]["phq-9"]
    assert (outcome["category"], outcome["first_total"], outcome["last_total"]) == (
        "recovered", 14, 7,
    )  # fmt: skip
    cards = client["sessions"]
    assert [card["session"] for card in cards] == sorted({s["session"] for s in client["signals"]})
    assert cards and cards[-1]["headline_instrument"] == "phq-9"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from alliance.synthetic import generate_caseload, write_long_csv

    path = tmp_path_factory.mktemp("analyze") / "caseload.csv"
    with path.open("w", newline="") as out:
        write_long_csv(generate_caseload(120, seed=4), out)
    return path


def test_it_sets_alliance_beside_each_outcome_measure_at_full_precision(
    generated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from alliance.analytics.caseload import alliance_outcome, client_outcome
    from alliance.analytics.long_format import open_rows, read_clients

    assert main(["analyze", str(generated), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    blocks = out["summary"]["alliance_outcome"]
    assert set(blocks) == {"phq-9", "ors", "gad-7"}
    outcomes = [client_outcome(block.episode) for block in read_clients(open_rows(generated))]
    for instrument in ("phq-9", "ors"):  # loop checked: a literal pair
        assert blocks[instrument]["n"] > 20
        assert blocks[instrument] == alliance_outcome(outcomes, instrument)  # not rounded
        assert blocks[instrument]["r_partial"] is not None
    assert blocks["phq-9"]["r"] != round(blocks["phq-9"]["r"], 6)
    warned = out["summary"]["not_on_track_accuracy"]
    worse = warned["deteriorators"]
    assert worse["n"] == sum(worse["by_measure"].values()) > 0
    assert set(worse["flagged_by_session"]) == {"3", "4", "6"}
    by_4 = worse["flagged_by_session"]["4"]
    assert by_4["share"] == by_4["count"] / worse["n"]
    assert warned["improvers"]["n"] > 0 and "share" in warned["improvers"]["ever_flagged"]


def test_it_prints_the_new_summary_blocks_in_the_table(
    generated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(generated)]) == 0
    out = capsys.readouterr().out
    assert "    PHQ-9  r = " in out and "    ORS    r = " in out
    assert "eventual reliable deteriorators: flagged by session 3" in out
    assert "half 1's reference" in out and "half 2's reference" in out
