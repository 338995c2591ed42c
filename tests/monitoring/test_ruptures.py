"""possible_rupture: a fall below the client's own level (the median of their earlier SRS)
beyond k SD, the stricter of their own and the caseload's, and at least 3 points; only the
first session of a low stretch; the repair is a return to the level within the window. The
literature's rule (a fall from the previous session) is the documented option."""

from __future__ import annotations

import math

import pytest

from alliance.monitoring import MonitoringConfig, Signal, monitor_episode
from alliance.monitoring.ruptures import pooled_change_sd

from .builders import episode, srs_series

STEADY = (38.0, 38.4, 38.0, 38.4, 38.0)  # level 38.0, own SD around it 0.25
# The default caseload SD of changes (2.0) as the SD of one rating around its level.
CASELOAD_SD = 2.0 / math.sqrt(2)
PREVIOUS = MonitoringConfig(rupture_method="previous")


def ruptures(
    *totals: float, config: MonitoringConfig | None = None, pooled: float | None = None
) -> list[Signal]:
    signals = monitor_episode(episode(srs_series(*totals)), config, pooled_srs_sd=pooled)
    return [s for s in signals if s.kind == "possible_rupture"]


def test_it_calls_a_fall_below_the_clients_level_beyond_2_sd_a_rupture() -> None:
    wide = 3.0  # the caseload's SD of changes: 2.12 around a level, a bar of 4.24
    (rupture,) = ruptures(*STEADY, 33.7, pooled=wide)  # 4.3 below the level
    assert (rupture.session_number, rupture.instrument, rupture.severity) == (6, "srs", "warning")
    assert rupture.rule == "fall below the client's own level > 2 SD and >= 3 points"
    evidence = rupture.evidence
    assert evidence["method"] == "level" and evidence["pre_rupture_level"] == 38.0
    assert evidence["pre_rupture_session"] == 5 and evidence["srs_total"] == 33.7
    assert evidence["drop"] == 4.3 and evidence["sd"] == pytest.approx(wide / math.sqrt(2))
    assert evidence["sd_basis"] == "stricter of own and caseload"  # own 0.25 < caseload
    assert (evidence["sd_multiplier"], evidence["min_drop"]) == (2.0, 3.0)
    assert evidence["beyond_1sd"] and evidence["beyond_2sd"]
    assert evidence["rupture_type"] is None  # the clinician's call
    assert "33.7, is 4.3 points below this client's usual level of 38" in rupture.explanation
    assert "SD 2.12" in rupture.explanation and "not yet returned" in rupture.explanation
    assert ruptures(*STEADY, 33.8, pooled=wide) == []  # 4.2 is within 2 SD


def test_it_ignores_a_fall_under_the_3_point_minimum_however_steady_the_client() -> None:
    # The default caseload SD puts 2 SD at 2.83: the minimum is the bar.
    assert ruptures(*STEADY, 35.1) == []
    assert [r.evidence["drop"] for r in ruptures(*STEADY, 35.0)] == [3.0]


def test_it_uses_the_caseloads_sd_alone_while_the_client_has_few_sessions() -> None:
    (rupture,) = ruptures(38.0, 38.5, 33.9, pooled=3.0)  # level 38.25, fall 4.35 > 4.24
    assert rupture.evidence["sd_basis"] == "caseload"
    assert rupture.evidence["pre_rupture_level"] == 38.25
    assert ruptures(38.0, 38.5, 34.1, pooled=3.0) == []  # fall 4.15 (4.2 on the scale)


def test_it_holds_a_volatile_client_to_their_own_wider_variation() -> None:
    volatile = (35.0, 39.0, 35.5, 39.5, 36.0, 39.0)  # level 37.5, own SD 1.87
    assert ruptures(*volatile, 34.0, pooled=1.0) == []  # 3.5 below: within 2 x 1.87
    (found,) = ruptures(*volatile, 34.0, config=MonitoringConfig.lenient(), pooled=1.0)
    assert found.evidence["sd_multiplier"] == 1.0
    assert found.evidence["sd"] == pytest.approx(3.5**0.5)  # own, the stricter


def test_a_pooled_sd_of_zero_is_no_figure_at_all() -> None:
    # Zero would make every fall of the minimum a rupture: the default is used instead.
    two = MonitoringConfig(rupture_min_drop=2.0)
    assert ruptures(38.0, 38.5, 36.0, config=two, pooled=0.0) == []  # 2.25 < 2 x 1.41
    assert ruptures(38.0, 38.5, 36.0, config=two, pooled=0.5) != []


def test_it_lets_a_sites_pooled_sd_win_over_the_caseloads() -> None:
    site = MonitoringConfig(rupture_pooled_sd=4.0)  # 2.83 around a level: a bar of 5.66
    assert ruptures(40.0, 36.0, config=site, pooled=1.0) == []
    assert [r.session_number for r in ruptures(40.0, 36.0, pooled=1.0)] == [2]


def test_only_the_first_session_of_a_low_stretch_is_the_rupture() -> None:
    assert [r.session_number for r in ruptures(*STEADY, 34.0, 34.5, 34.0)] == [6]


@pytest.mark.parametrize(
    ("after", "repaired", "repair_session", "exceeds", "says"),
    [
        ((37.0, 38.0), True, 8, False, "returned to the earlier level at session 8"),
        ((39.5,), True, 7, True, "above the level before the drop"),
        ((37.0, 37.0, 38.0), True, 9, False, "at session 9"),  # the window's last session
        ((37.0, 37.0, 37.0, 38.0), False, None, False, "within 3 sessions"),  # too late
        ((37.0, 37.9), False, None, False, "not yet returned"),  # still inside the window
    ],
)
def test_it_records_whether_when_and_how_well_the_rupture_was_repaired(
    after: tuple[float, ...], repaired: bool, repair_session: int | None, exceeds: bool, says: str
) -> None:
    (rupture,) = ruptures(*STEADY, 34.0, *after)
    evidence = rupture.evidence
    assert evidence["pre_rupture_level"] == 38.0 and evidence["repair_window"] == 3
    assert evidence["repaired"] is repaired
    assert evidence["repair_session"] == repair_session
    assert evidence["repair_total"] == (after[repair_session - 7] if repair_session else None)
    assert evidence["exceeds_pre_rupture"] is exceeds
    assert says in rupture.explanation


def test_it_finds_a_second_rupture_after_a_repaired_first() -> None:
    # The first rupture is left out of the level, so it does not hide the second.
    found = ruptures(*STEADY, 33.0, 38.2, 38.0, 38.4, 33.5)
    assert [r.session_number for r in found] == [6, 10]


def test_the_literatures_rule_compares_with_the_previous_session() -> None:
    # Changes of +-0.4 (own SD 0.46) against the caseload's 2.0: the stricter bar is 4.0.
    (rupture,) = ruptures(*STEADY, 33.9, config=PREVIOUS)
    assert rupture.evidence["method"] == "previous" and rupture.evidence["drop"] == 4.1
    assert rupture.evidence["sd"] == 2.0
    assert rupture.rule == "fall below the client's previous session > 2 SD and >= 3 points"
    assert "last rating of 38" in rupture.explanation
    assert ruptures(*STEADY, 34.0, config=PREVIOUS) == []  # exactly 2 SD is not beyond


def test_the_level_ignores_one_noisy_high_point_that_the_previous_rule_reads_as_a_drop() -> None:
    noisy = (37.0, 37.5, 37.0, 37.5, 40.0, 36.0)  # a single 40, then an ordinary rating
    assert ruptures(*noisy, pooled=1.2) == []
    assert [r.session_number for r in ruptures(*noisy, config=PREVIOUS, pooled=1.2)] == [6]


def test_it_pools_within_client_variation_across_clients() -> None:
    a = srs_series(38.0, 39.0, 38.0, 39.0)  # changes +1 -1 +1: variance 4/3
    b = srs_series(30.0, 30.0, 30.0)  # changes 0 0: variance 0
    pooled = pooled_change_sd([a, b])
    expected = ((4 / 3 * 2 + 0 * 1) / 3) ** 0.5
    assert pooled == pytest.approx(expected)
    assert pooled_change_sd([srs_series(38.0, 39.0)]) is None


@pytest.mark.parametrize(
    "changes",
    [{"rupture_method": "median"}, {"decline_window": 2}, {"rupture_min_sessions": 1},
     {"decline_lookback": 3}, {"rupture_sd": 0.0}],
)  # fmt: skip
def test_it_refuses_rupture_settings_that_cannot_work(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        MonitoringConfig(**changes)  # type: ignore[arg-type]
