"""alliance_concern, alliance_drop, alliance_item_low and sustained_low_alliance on
hand-made SRS series, each at just above and just below its edge."""

from __future__ import annotations

import pytest

from alliance.measures import site_cutoffs
from alliance.monitoring import MonitoringConfig, Signal, monitor_episode

from .builders import episode, srs, srs_series


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


def test_it_raises_a_drop_of_one_point_even_above_the_cutoff() -> None:
    signals = run(39.5, 38.5, 37.6, 37.6, 40.0, 39.1)
    assert kinds(signals, "alliance_drop") == [2]  # 1.0 fires; 0.9 twice does not
    drop = next(s for s in signals if s.kind == "alliance_drop")
    assert drop.evidence["fall"] == 1.0 and drop.evidence["previous_session"] == 1
    assert kinds(signals, "alliance_concern") == []


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
    sustained = [s for s in signals if s.kind == "sustained_low_alliance"]
    assert [s.session_number for s in sustained] == [3]
    assert sustained[0].evidence["pattern"] == "low"
    assert sustained[0].evidence["sessions"] == [2, 3]
    assert "withdrawal" in sustained[0].explanation


def test_it_keeps_reporting_while_the_low_stretch_goes_on() -> None:
    assert kinds(run(35, 35, 35, 35), "sustained_low_alliance") == [2, 3, 4]


def test_it_calls_three_drops_in_a_row_sustained_even_above_the_cutoff() -> None:
    signals = run(40, 39, 38, 37, 37.5)
    sustained = [s for s in signals if s.kind == "sustained_low_alliance"]
    assert [s.session_number for s in sustained] == [4]
    assert sustained[0].evidence == {
        "pattern": "falling",
        "sessions": [1, 2, 3, 4],
        "srs_totals": [40.0, 39.0, 38.0, 37.0],
        "run": 3,
    }


@pytest.mark.parametrize(
    "totals",
    [
        (40, 39, 38, 38.5, 37.5),  # two drops, a rise, a drop: no run of three
        (40, 39.9, 39.8, 39.7, 39.6, 39.5),  # tenth-of-a-point wobbles are noise
        (40, 39.1, 38.2, 37.3),  # falls of 0.9: under the drop size
    ],
)
def test_it_does_not_call_wobbles_or_broken_runs_sustained(totals: tuple[float, ...]) -> None:
    assert kinds(run(*totals), "sustained_low_alliance") == []


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


def test_it_does_not_join_low_sessions_across_a_gap() -> None:
    signals = monitor_episode(episode(srs(1, 32.0), srs(9, 32.0), srs(10, 33.0)))
    assert kinds(signals, "sustained_low_alliance") == [10]
