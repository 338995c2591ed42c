"""alliance_symptom_divergence: the alliance falls while the symptom scores stay flat."""

from __future__ import annotations

from alliance.monitoring import Signal, monitor_episode

from .builders import episode, ors, phq9, srs_series


def divergence(*administrations: object) -> list[Signal]:
    signals = monitor_episode(episode(*administrations))  # type: ignore[arg-type]
    return [s for s in signals if s.kind == "alliance_symptom_divergence"]


def test_it_fires_when_the_alliance_drops_and_phq9_stays_within_half_reliable_change() -> None:
    # PHQ-9 spread 2 (< 3 = half of 6) across the last three scores; SRS drops at session 4.
    found = divergence(srs_series(39, 39, 39, 34.5), [phq9(s, t) for s, t in
                       ((1, 14), (2, 15), (3, 13), (4, 14))])  # fmt: skip
    assert [s.session_number for s in found] == [4]
    assert found[0].evidence["symptom_totals"] == [15.0, 13.0, 14.0]
    assert found[0].evidence["alliance_signals"] == [
        "alliance_concern", "alliance_drop", "possible_rupture",
    ]  # fmt: skip
    # Context for the alliance warning it comes with, not a second warning.
    assert found[0].severity == "info"


def test_a_fall_within_the_srs_reliable_change_is_no_divergence() -> None:
    flat = [phq9(s, 14) for s in range(1, 5)]
    assert divergence(srs_series(39, 39, 39, 37.5), flat) == []  # a 1.5 fall: info only


def test_it_stays_quiet_when_symptoms_are_moving() -> None:
    # Spread 3 is not flat: half of the reliable change of 6.
    moving = [phq9(s, t) for s, t in ((1, 14), (2, 15), (3, 12), (4, 14))]
    assert divergence(srs_series(39, 39, 39, 37.5), moving) == []


def test_it_stays_quiet_when_the_alliance_holds() -> None:
    flat = [phq9(s, 14) for s in range(1, 5)]
    assert divergence(srs_series(39, 39, 39, 38.5), flat) == []


def test_it_needs_three_symptom_scores_to_call_them_flat() -> None:
    assert divergence(srs_series(39, 35), [phq9(1, 14), phq9(2, 14)]) == []


def test_it_reads_ors_with_its_own_reliable_change() -> None:
    flat = [ors(s, t) for s, t in ((1, 20.0), (2, 21.0), (3, 22.4))]  # spread 2.4 < 2.5
    found = divergence(srs_series(39, 39, 35), flat)
    assert [s.instrument for s in found] == ["ors"]
    moving = [ors(s, t) for s, t in ((1, 20.0), (2, 21.0), (3, 22.5))]
    assert divergence(srs_series(39, 39, 35), moving) == []


def test_it_reads_every_symptom_measure_not_only_the_first() -> None:
    # One intake PHQ-9 says nothing recent; the flat ORS given every session does.
    flat_ors = [ors(s, 20.0) for s in range(1, 6)]
    found = divergence(srs_series(40, 40, 40, 35.5, 36), flat_ors, phq9(1, 14))
    assert [s.session_number for s in found] == [4, 5]
    assert found[0].instrument == "ors"


def test_it_stays_quiet_when_one_measure_moves_while_another_is_flat() -> None:
    flat_ors = [ors(s, 20.0) for s in range(1, 5)]
    moving_phq9 = [phq9(s, t) for s, t in ((1, 18), (2, 15), (3, 12), (4, 9))]
    assert divergence(srs_series(40, 40, 40, 38), flat_ors, moving_phq9) == []
