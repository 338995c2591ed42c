"""The monitoring settings at their limits: the smallest values that still work are
accepted, the next ones down refused with a message naming the setting."""

from __future__ import annotations

import math

import pytest

from alliance.monitoring import MonitoringConfig


@pytest.mark.parametrize(
    "setting",
    [{"srs_drop_points": 0.0}, {"rupture_min_drop": 0.0}, {"rupture_repair_window": 0},
     {"perfect_streak_sessions": 1}, {"decline_window": 3, "decline_lookback": 3},
     {"rupture_min_sessions": 2}, {"decline_lookback": 4}, {"rupture_sd": 0.1},
     {"rupture_pooled_sd": 0.1}, {"rupture_pooled_sd": None}, {"rupture_default_pooled_sd": 0.1}],
)  # fmt: skip
def test_it_accepts_the_smallest_settings_that_work(setting: dict[str, float]) -> None:
    config = MonitoringConfig.from_mapping(setting)
    assert {name: getattr(config, name) for name in setting} == setting


@pytest.mark.parametrize(
    ("setting", "message"),
    [({"srs_drop_points": -0.1}, "srs_drop_points must not be negative"),
     ({"decline_min_fall": math.inf}, "decline_min_fall must be a finite number"),
     ({"rupture_sd": 0.0}, "rupture_sd and perfect_streak_sessions must be positive"),
     ({"perfect_streak_sessions": 0}, "rupture_sd and perfect_streak_sessions must be positive"),
     ({"rupture_method": "median"}, "rupture_method must be 'level' or 'previous'"),
     ({"decline_window": 2}, "decline_window must be 3 or more, rupture_min_sessions 2 or more"),
     ({"rupture_min_sessions": 1},
      "decline_window must be 3 or more, rupture_min_sessions 2 or more"),
     ({"decline_lookback": 3}, "decline_lookback must be at least decline_window"),
     ({"rupture_pooled_sd": 0.0},
      "rupture_pooled_sd and rupture_default_pooled_sd must be positive"),
     ({"rupture_default_pooled_sd": 0.0},
      "rupture_pooled_sd and rupture_default_pooled_sd must be positive"),
     ({"srs_cutof": 35}, "unknown monitoring settings: srs_cutof"),
     ({"srs_cutof": 35, "rupture_k": 1}, "unknown monitoring settings: rupture_k, srs_cutof")],
)  # fmt: skip
def test_it_refuses_the_next_setting_down_and_names_it(
    setting: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        MonitoringConfig.from_mapping(setting)
    assert str(caught.value) == message
