"""alliance_decline at its edges: where a slide starts (the highest rating, the earliest of
equal highs, no further back than the lookback), a single step as large as the threshold
(a drop, not a slide), and a low point before the slide that does not hide it."""

from __future__ import annotations

from alliance.monitoring import MonitoringConfig
from alliance.monitoring.alliance_rules import alliance_signals

from .builders import srs, srs_series


def declines(
    *totals: float, config: MonitoringConfig | None = None
) -> list[tuple[int, int, float]]:
    """(session, start session, fall) of each alliance_decline."""
    signals = alliance_signals(srs_series(*totals), config or MonitoringConfig())
    return [
        (s.session_number, s.evidence["start_session"], s.evidence["fall"])
        for s in signals
        if s.kind == "alliance_decline"
    ]


def test_it_looks_for_the_start_no_further_back_than_the_lookback() -> None:
    slide = (40.0, 39.5, 39.0, 38.5, 38.0, 37.5)  # 2.5 only from the first rating
    assert declines(*slide) == [(6, 1, 2.5)]
    assert declines(*slide, config=MonitoringConfig(decline_lookback=4)) == []


def test_it_starts_a_slide_at_the_earliest_of_equal_highs() -> None:
    assert declines(39.0, 39.0, 38.4, 37.8, 37.2, 36.5) == [(6, 1, 2.5)]


def test_it_starts_a_slide_at_the_highest_rating_not_a_later_lower_one() -> None:
    # From 40 (session 1) the fall is 3.0; from 39.5 (session 3) only 2.5.
    assert declines(40.0, 38.0, 39.5, 39.0, 38.3, 37.0) == [(6, 1, 3.0)]


def test_it_sees_a_slide_past_a_low_point_before_it() -> None:
    # From session 1 today is not the lowest (35 at session 2): the slide starts at 3.
    assert declines(40.0, 35.0, 39.5, 39.0, 38.5, 38.0, 37.0) == [(7, 3, 2.5)]


def test_it_calls_a_single_step_as_large_as_the_threshold_a_drop_not_a_slide() -> None:
    assert declines(40.0, 39.5, 39.0, 36.5) == []  # one step of 2.5
    assert declines(40.0, 39.5, 39.0, 36.6) == [(4, 1, 3.4)]  # steepest 2.4


def test_it_reads_the_trend_against_session_numbers() -> None:
    # The same ratings: session after session they slide; with the high ones back after a
    # long gap (sessions 9 to 15) the trend over time rises a little, and that is no slide.
    totals = (38.5, 36.6, 35.9, 36.0, 36.8, 38.5, 37.6, 35.9)
    assert declines(*totals) == [(8, 1, 2.6)]
    sessions = (2, 4, 5, 7, 9, 15, 16, 18)
    gaps = alliance_signals(
        [srs(n, t) for n, t in zip(sessions, totals, strict=True)], MonitoringConfig()
    )
    assert [s for s in gaps if s.kind == "alliance_decline"] == []
