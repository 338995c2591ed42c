"""`alliance analyze --cutoff`: a site's cutoff for one run moves the rules, and a cutoff that
cannot be used is refused in one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance.cli import main
from alliance.measures import set_site_cutoffs


@pytest.fixture(autouse=True)
def _back_to_the_site_file() -> Iterator[None]:
    # The command puts its --cutoff in force for the process; a test process goes on after.
    yield
    set_site_cutoffs(None)


@pytest.fixture
def concern_at_35(tmp_path: Path) -> Path:
    path = tmp_path / "caseload.csv"
    rows = ["client_id,session,date,instrument,item,value"]
    for session, line in ((1, 9.5), (2, 8.8), (3, 9.5)):  # session 2: 35.2 of 40
        rows += [f"A,{session},2026-02-0{session},srs,{n},{line}" for n in range(1, 5)]
    path.write_text("\n".join(rows) + "\n")
    return path


def concerns(capsys: pytest.CaptureFixture[str], *arguments: str) -> list[int]:
    assert main(["analyze", *arguments, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (client,) = report["clients"]
    return [s["session"] for s in client["signals"] if s["kind"] == "alliance_concern"]


def test_a_cutoff_for_one_run_moves_the_alliance_concern(
    concern_at_35: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert concerns(capsys, str(concern_at_35)) == [2]
    assert concerns(capsys, str(concern_at_35), "--cutoff", "srs.alliance_concern=35") == []


@pytest.mark.parametrize(
    ("cutoff", "says"),
    [("srs.alliance_concern", "expected INSTRUMENT.NAME=NUMBER"),
     ("srs.concern=35", "is not a cutoff of srs"),
     ("phq-9.self_harm_item=2", "safety cutoff")],
)  # fmt: skip
def test_it_refuses_a_cutoff_it_cannot_use(
    concern_at_35: Path, capsys: pytest.CaptureFixture[str], cutoff: str, says: str
) -> None:
    assert main(["analyze", str(concern_at_35), "--cutoff", cutoff]) == 2
    error = capsys.readouterr().err
    assert says in error and len(error.strip().splitlines()) == 1
