"""alliance_concern, alliance_drop, alliance_item_low, sustained_low_alliance and
alliance_decline on hand-made SRS series, each at just above and just below its edge."""

from __future__ import annotations

import math

import pytest

from alliance.measures import site_cutoffs
from alliance.monitoring import MonitoringConfig, Signal, monitor_episode

from .builders import episode, srs, srs_series

RELIABLE = MonitoringConfig().srs_reliable_change


def kinds(signals: list[Signal], kind: str) -> list[int]:
    return [s.session_number for s in signals if s.kind == kind]


def run(*totals: float, config: MonitoringConfig | None = None) -> list[Signal]:
    return monitor_episode(episode(srs_series(*totals)), config)


# alliance_concern ----------------------------------------------------------------------


def test_it_raises_a_concern_at_every_session_at_or_below_36() -> None:
    signals = run(36.1, 36.0, 39.0, 35.9, 40.0)
    assert kinds(signals, "alliance_concern") == [2, 4]
    concern = next(s for s in signals if s.kind == "alliance_concern")
    assert concern.severity == "warning"
    assert concern.rule == "srs_total <= 36"
    assert concern.evidence["srs_total"] == 36.0 and concern.evidence["cutoff"] == 36.0


def test_it_uses_the_site_concern_cutoff() -> None:
    with site_cutoffs({"srs": {"alliance_concern": 35.9}}):
        assert kinds(run(36.0, 35.9), "alliance_concern") == [2]
    assert kinds(run(36.0, 35.9), "alliance_concern") == [1, 2]


def test_it_names_the_lowest_items_in_the_concern_action() -> None:
    signals = monitor_episode(episode(srs(1, 0, items=[9.0, 6.5, 9.0, 9.0])))
    concern = next(s for s in signals if s.kind == "alliance_concern")
    assert concern.evidence["lowest_items"] == ["2"]
    assert "Goals and Topics" in concern.suggested_action


# alliance_drop -------------------------------------------------------------------------


def test_it_notes_a_drop_of_one_point_even_above_the_cutoff() -> None:
    signals = run(39.5, 38.5, 37.6, 37.6, 40.0, 39.1)
    assert kinds(signals, "alliance_drop") == [2]  # 1.0 fires; 0.9 twice does not
    drop = next(s for s in signals if s.kind == "alliance_drop")
    assert drop.severity == "info"  # within the reliable change: not something to raise
    assert drop.evidence == {
        "srs_total": 38.5, "previous_srs_total": 39.5, "previous_session": 1, "fall": 1.0,
        "threshold": 1.0, "reliable_change": RELIABLE, "beyond_reliable_change": False,
    }  # fmt: skip
    assert (
        drop.explanation == "The session rating is 1 point lower than at session 1 (39.5 to 38.5)."
    )
    assert "a little lower" in drop.suggested_action
    assert kinds(signals, "alliance_concern") == []


@pytest.mark.parametrize(
    ("fall", "severity"),
    [(4.1, "info"), (4.2, "warning")],  # the figure is 4.16
)
def test_a_drop_is_a_warning_only_beyond_the_srs_reliable_change(
    fall: float, severity: str
) -> None:
    (drop,) = [s for s in run(40.0, round(40.0 - fall, 1)) if s.kind == "alliance_drop"]
    assert drop.severity == severity
    assert drop.evidence["beyond_reliable_change"] is (severity == "warning")
    assert (
        drop.rule == "srs_total fell >= 1 from the previous SRS; a warning beyond the "
        "reliable change of 4.2"
    )
    if severity == "warning":
        assert "fell sharply, by 4.2 points" in drop.explanation
        assert "Raise it today" in drop.suggested_action


def test_the_srs_reliable_change_follows_jacobson_truax_from_its_file() -> None:
    assert pytest.approx(1.96 * 2.5 * math.sqrt(2) * math.sqrt(1 - 0.64)) == RELIABLE


def test_it_compares_each_drop_with_the_previous_srs_not_the_first() -> None:
    assert kinds(run(40, 39, 38, 39), "alliance_drop") == [2, 3]


def test_it_uses_the_configured_drop_size() -> None:
    config = MonitoringConfig(srs_drop_points=2.0)
    assert kinds(run(40, 38.1, 36.1, config=config), "alliance_drop") == [3]


# alliance_item_low ---------------------------------------------------------------------


def test_it_checks_in_on_an_item_below_8_while_the_total_is_fine() -> None:
    signals = monitor_episode(
        episode(
            srs(1, 0, items=[10, 7.9, 10, 10]),  # 37.9: item 2 just below 8
            srs(2, 0, items=[10, 8.0, 10, 10]),  # 38.0: item 2 at 8 is fine
        )
    )
    low = [s for s in signals if s.kind == "alliance_item_low"]
    assert [s.session_number for s in low] == [1]
    assert low[0].evidence["low_items"] == {"2": 7.9}
    assert "drifted from what the client needed" in low[0].explanation
    assert low[0].severity == "info"


def test_it_leaves_low_items_to_the_concern_when_the_total_is_low() -> None:
    signals = monitor_episode(episode(srs(1, 0, items=[9, 7.0, 10, 10])))  # 36.0
    assert kinds(signals, "alliance_item_low") == []
    assert kinds(signals, "alliance_concern") == [1]


def test_it_invites_honest_feedback_after_three_perfect_sessions() -> None:
    signals = run(40, 40, 40, 40, 39.9, 40, 40, 40)
    prompts = [s for s in signals if s.kind == "alliance_item_low"]
    assert [s.session_number for s in prompts] == [3, 8]
    assert prompts[0].evidence["perfect_sessions_in_a_row"] == 3
    assert "honest feedback" in prompts[0].suggested_action


def test_it_does_not_prompt_after_only_two_perfect_sessions() -> None:
    assert kinds(run(40, 40, 39.9, 40, 40), "alliance_item_low") == []


# sustained_low_alliance ----------------------------------------------------------------


def test_it_calls_two_low_sessions_in_a_row_sustained() -> None:
    signals = run(38, 35, 36, 37, 34)
    (sustained,) = [s for s in signals if s.kind == "sustained_low_alliance"]
    assert (sustained.session_number, sustained.severity) == (3, "warning")
    assert sustained.evidence == {
        "sessions": [2, 3], "srs_totals": [35.0, 36.0], "run": 2, "skipped_sessions": [],
        "cutoff": 36.0,
    }  # fmt: skip
    assert sustained.rule == "srs_total <= 36 at 2 SRS in a row"
    assert "36 for 2 ratings in a row: a possible withdrawal" in sustained.explanation


def test_it_warns_once_and_then_reminds_while_the_low_stretch_goes_on() -> None:
    signals = [s for s in run(35, 35, 35, 35, 38, 35, 35) if s.kind == "sustained_low_alliance"]
    assert [(s.session_number, s.severity) for s in signals] == [
        (2, "warning"), (3, "info"), (4, "info"), (7, "info"),  # a later run: a reminder
    ]  # fmt: skip
    assert signals[2].evidence["run"] == 4


def test_a_missed_session_does_not_end_a_low_run() -> None:
    signals = monitor_episode(episode(srs(1, 32.0), srs(4, 32.0), srs(5, 33.0)))
    sustained = [s for s in signals if s.kind == "sustained_low_alliance"]
    assert [s.session_number for s in sustained] == [4, 5]
    assert sustained[0].evidence["skipped_sessions"] == [2, 3]
    assert "(no SRS at session 2 and 3)" in sustained[0].explanation
    assert sustained[1].evidence["run"] == 3


@pytest.mark.parametrize("totals", [(38, 37, 38, 36.5), (36.5, 38, 36, 38)])
def test_one_low_session_at_a_time_is_not_sustained(totals: tuple[float, ...]) -> None:
    assert kinds(run(*totals), "sustained_low_alliance") == []


# alliance_decline ----------------------------------------------------------------------


def test_it_flags_a_slow_slide_once_the_fall_reaches_two_and_a_half_points() -> None:
    signals = run(38.0, 39.0, 38.5, 38.0, 37.5, 37.0, 36.5)  # 0.5 a session from 39
    (decline,) = [s for s in signals if s.kind == "alliance_decline"]
    assert (decline.session_number, decline.severity) == (7, "warning")
    assert decline.evidence == {
        "sessions": [2, 3, 4, 5, 6, 7], "srs_totals": [39.0, 38.5, 38.0, 37.5, 37.0, 36.5],
        "start_session": 2, "fall": 2.5, "threshold": 2.5, "reliable_change": RELIABLE,
        "window": 4, "lookback": 8,
    }  # fmt: skip
    assert decline.rule == (
        "falling trend over the last 4 SRS and a fall of >= 2.5 since the slide began"
    )
    assert "slid from 39 at session 2 to 36.5 today, 2.5 points over 5 sessions" in (
        decline.explanation
    )
    assert kinds(run(38.0, 39.0, 38.5, 38.0, 37.5, 37.0, 36.6), "alliance_decline") == []


@pytest.mark.parametrize(
    "totals",
    [
        (40, 38.9, 36.5, 38.0, 36.8),  # down 3.2, but not the lowest today: no slide
        (36, 37, 38, 39, 40, 36.9),  # one fall after a rise: a drop, not a slide
        (40, 36.5, 36.9),  # too few ratings for a trend
    ],
)
def test_it_does_not_call_a_wobble_a_slide(totals: tuple[float, ...]) -> None:
    assert kinds(run(*totals), "alliance_decline") == []


def test_a_slide_is_news_once_not_at_every_session_it_goes_on() -> None:
    totals = (39.0, 38.0, 37.0, 36.0, 35.0, 34.0, 38.0, 37.0, 36.0, 35.0)
    assert kinds(run(*totals), "alliance_decline") == [4, 10]  # a new slide after the rise


def test_every_alliance_signal_names_its_rule_and_instrument() -> None:
    signals = run(40, 40, 40, 35, 34, 33)
    for signal in signals:
        assert signal.rule and signal.explanation and signal.suggested_action
        assert signal.instrument == "srs" and signal.client_id == "C1"
        assert signal.severity in ("info", "warning", "urgent")
    assert {s.kind for s in signals} >= {"alliance_concern", "alliance_drop", "possible_rupture"}


def test_it_counts_a_one_point_fall_between_tenths_exactly() -> None:
    # 32.3 - 31.3 is 0.9999... in binary floating point; on the scale it is 1.0.
    assert kinds(run(32.3, 31.3), "alliance_drop") == [2]
