"""The reference halves fitted in processes of their own: the same models as fitted here, a
failure raised in the caller, and no process left behind however the run ends."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from alliance.analytics import fitters as fitters_module
from alliance.analytics.analyze import analyze_file
from alliance.analytics.cross_fit import ReferenceSampler, reference_to_data
from alliance.analytics.fitters import Fitters
from alliance.monitoring import MonitoringConfig
from alliance.synthetic import generate_caseload

CONFIG = MonitoringConfig()


@pytest.fixture
def sampler() -> ReferenceSampler:
    found = ReferenceSampler(CONFIG)
    for episode in generate_caseload(140, seed=21).episodes:
        found.add(episode)
    return found


@pytest.fixture(params=[True, False], ids=["two processes", "here"])
def spare_cores(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(fitters_module, "_spare_cores", lambda: request.param)
    return bool(request.param)


def test_the_halves_are_the_models_fitted_here(
    sampler: ReferenceSampler, spare_cores: bool
) -> None:
    with Fitters() as fitters:
        assert len(fitters.processes) == (2 if spare_cores else 0)
        reference = fitters.fit(sampler)
    assert reference.halves[0].trajectories["phq-9"] is not None
    assert reference_to_data(reference) == reference_to_data(sampler.reference())
    assert multiprocessing.active_children() == []


def test_a_failed_fit_is_raised_in_the_caller(
    sampler: ReferenceSampler, spare_cores: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(_self: ReferenceSampler, _half: int) -> None:
        raise ValueError("the fit did not converge")

    monkeypatch.setattr(ReferenceSampler, "half_reference", fails)
    with pytest.raises(ValueError, match="did not converge"), Fitters() as fitters:
        fitters.fit(sampler)
    assert multiprocessing.active_children() == []


def test_a_run_that_ends_before_the_fit_leaves_no_process(
    tmp_path: Path, spare_cores: bool
) -> None:
    """A file the columns cannot read (a quoted field far into it) goes to the row path after
    the fitting processes were started: they are stopped, and the analysis is whole."""
    lines = ["client_id,session,date,instrument,item,value"]
    lines += [f"C{c},{s},,srs,{i},9" for c in range(40) for s in (1, 2) for i in (1, 2, 3, 4)]
    lines.append('"C99",1,,srs,1,9')
    path = tmp_path / "caseload.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    analysis = analyze_file(path, config=CONFIG)
    assert analysis.summary["clients"] == 41
    assert multiprocessing.active_children() == []
