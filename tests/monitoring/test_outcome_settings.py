"""An episode's outcome follows the settings it is given (a study's own reliable-change
figure), keeps whose episode it is, and takes any instrument with a reliable-change figure,
one without a caseness cutoff too (the SRS)."""

from __future__ import annotations

import pytest

from alliance.monitoring import MonitoringConfig
from alliance.monitoring.outcomes import episode_outcome, instrument_outcome

from .builders import episode, gad7, ors, phq9, srs_series


def test_it_judges_the_episode_by_the_reliable_change_it_is_given() -> None:
    course = episode(phq9(1, 14), phq9(2, 9), gad7(1, 10), gad7(2, 9))
    assert episode_outcome(course).instruments["phq-9"].category == "unchanged"  # 5 < 6
    study = MonitoringConfig(reliable_change={"phq-9": 5.0})
    outcome = episode_outcome(course, study)
    assert outcome.instruments["phq-9"].category == "recovered"
    assert outcome.instruments["phq-9"].reliable_change == 5.0
    assert (outcome.reliable_improvement, outcome.recovery, outcome.reliable_recovery) == (
        True, False, False,  # GAD-7 9 is still a case (8 or more)
    )  # fmt: skip


def test_it_keeps_the_client_without_a_joint_outcome() -> None:
    outcome = episode_outcome(episode(ors(1, 20.0), ors(2, 25.0)))
    assert outcome.client_id == "C1"
    assert list(outcome.instruments) == ["ors"]
    assert (outcome.recovery, outcome.reliable_improvement) == (None, None)


def test_it_takes_an_instrument_without_a_caseness_cutoff() -> None:
    outcome = instrument_outcome(srs_series(35.0, 38.0, 39.5))
    assert outcome is not None
    assert (outcome.category, outcome.improvement, outcome.caseness) == ("improved", 4.5, None)
    assert (outcome.case_at_start, outcome.case_at_end) == (None, None)


def test_it_refuses_a_series_that_mixes_instruments() -> None:
    with pytest.raises(ValueError) as caught:
        instrument_outcome([phq9(1, 14), gad7(2, 9)])
    assert str(caught.value) == "an outcome is of one instrument: the series mixes instruments"
