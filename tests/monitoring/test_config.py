"""The monitoring thresholds: defaults from INSTRUMENTS.md, checked when changed."""

from __future__ import annotations

import math

import pytest

from alliance.monitoring import MonitoringConfig


def test_it_defaults_to_the_published_thresholds() -> None:
    config = MonitoringConfig()
    assert (config.srs_concern_cutoff, config.srs_drop_points, config.srs_item_low) == (36, 1, 8)
    assert (config.rupture_sd, config.rupture_min_drop, config.rupture_method) == (
        2.0,
        3.0,
        "level",
    )
    assert (config.rupture_repair_window, config.rupture_min_sessions) == (3, 4)
    assert (config.decline_window, config.decline_lookback, config.decline_min_fall) == (4, 8, 2.5)
    assert config.trajectory_z == 1.28
    assert config.srs_reliable_change == pytest.approx(4.158, abs=0.001)
    assert MonitoringConfig.lenient().rupture_sd == 1.0
    assert {i: config.reliable_change_for(i) for i in ("phq-9", "gad-7", "ors")} == {
        "phq-9": 6.0, "gad-7": 4.0, "ors": 5.0,
    }  # fmt: skip
    assert {i: config.caseness_for(i) for i in ("phq-9", "gad-7", "ors")} == {
        "phq-9": 10.0, "gad-7": 8.0, "ors": 25.0,
    }  # fmt: skip
    assert config.reliable_change_for("srs") == config.srs_reliable_change
    assert config.reliable_change_for("wai-sr") is None


def test_it_reads_settings_and_refuses_unknown_ones() -> None:
    assert MonitoringConfig.from_mapping({"srs_item_low": 7.5}).srs_item_low == 7.5
    with pytest.raises(ValueError, match="unknown monitoring settings: srs_cutof"):
        MonitoringConfig.from_mapping({"srs_cutof": 35})


@pytest.mark.parametrize(
    "setting",
    [{"srs_drop_points": -1.0}, {"rupture_min_drop": math.nan}, {"rupture_sd": 0.0},
     {"perfect_streak_sessions": 0}],
)  # fmt: skip
def test_it_refuses_impossible_thresholds(setting: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        MonitoringConfig.from_mapping(setting)
