"""possible_rupture: a drop beyond k SD of the client's own session-to-session changes (or
the pooled SD while they have few sessions) and at least 2 points; repair is the V shape."""

from __future__ import annotations

import statistics

import pytest

from alliance.monitoring import MonitoringConfig, Signal, monitor_episode
from alliance.monitoring.ruptures import pooled_change_sd

from .builders import episode, srs_series

STEADY = (38.0, 38.4, 38.0, 38.4, 38.0)  # changes +-0.4: own SD about 0.46


def ruptures(
    *totals: float, config: MonitoringConfig | None = None, pooled: float | None = None
) -> list[Signal]:
    signals = monitor_episode(episode(srs_series(*totals)), config, pooled_srs_sd=pooled)
    return [s for s in signals if s.kind == "possible_rupture"]


def test_it_calls_a_drop_beyond_2_sd_of_the_clients_own_changes_a_rupture() -> None:
    (rupture,) = ruptures(*STEADY, 36.0)
    own_sd = statistics.stdev([0.4, -0.4, 0.4, -0.4])
    assert rupture.session_number == 6
    assert rupture.evidence["sd_basis"] == "client"
    assert rupture.evidence["sd"] == round(own_sd, 3)
    assert rupture.evidence["drop"] == 2.0
    assert rupture.evidence["beyond_2sd"] and rupture.evidence["beyond_1sd"]
    assert rupture.evidence["rupture_type"] is None  # the clinician's call
    assert rupture.severity == "warning"


def test_it_ignores_a_drop_under_the_2_point_minimum_however_steady_the_client() -> None:
    assert ruptures(*STEADY, 36.1) == []


def test_it_holds_a_volatile_client_to_their_own_wider_variation() -> None:
    volatile = (36.0, 39.0, 36.5, 39.5, 37.0, 39.0)  # changes about +-2.7: SD ~2.9
    assert ruptures(*volatile, 35.0, pooled=3.0) == []  # a 4-point drop is within 2 SD
    lenient = ruptures(*volatile, 35.0, config=MonitoringConfig.lenient(), pooled=3.0)
    assert [r.session_number for r in lenient] == [7]
    assert lenient[0].evidence["sd_multiplier"] == 1.0


def test_it_uses_the_pooled_sd_while_the_client_has_few_sessions() -> None:
    # Default pooled SD 2.0 with k = 2: the bar is a drop of more than 4 points.
    (rupture,) = ruptures(38.0, 38.5, 34.4)
    assert rupture.evidence["sd_basis"] == "pooled" and rupture.evidence["sd"] == 2.0
    assert ruptures(38.0, 38.5, 34.5) == []


def test_it_takes_the_caseloads_pooled_sd_when_given() -> None:
    assert [r.session_number for r in ruptures(38.0, 38.5, 36.4, pooled=1.0)] == [3]
    assert ruptures(38.0, 38.5, 36.4, pooled=1.1) == []


@pytest.mark.parametrize(
    ("after", "repaired", "repair_session", "exceeds"),
    [
        ((37.0, 38.0), True, 8, False),  # back to the pre-drop 38.0: V shape
        ((39.5,), True, 7, True),  # above the level before the rupture
        ((37.0, 37.9, 37.5), False, None, False),  # never quite back
    ],
)
def test_it_records_whether_when_and_how_well_the_rupture_was_repaired(
    after: tuple[float, ...], repaired: bool, repair_session: int | None, exceeds: bool
) -> None:
    (rupture,) = ruptures(*STEADY, 33.0, *after)
    assert rupture.evidence["pre_rupture_total"] == 38.0
    assert rupture.evidence["repaired"] is repaired
    assert rupture.evidence["repair_session"] == repair_session
    assert rupture.evidence["exceeds_pre_rupture"] is exceeds


def test_it_finds_a_second_rupture_after_a_repaired_first() -> None:
    # The first drop and its repair would inflate the SD; the drop itself is left out.
    found = ruptures(*STEADY, 33.0, 38.2, 38.0, 38.4, 33.5)
    assert [r.session_number for r in found] == [6, 10]


def test_it_pools_within_client_variation_across_clients() -> None:
    a = srs_series(38.0, 39.0, 38.0, 39.0)  # changes +1 -1 +1: variance 4/3
    b = srs_series(30.0, 30.0, 30.0)  # changes 0 0: variance 0
    pooled = pooled_change_sd([a, b])
    expected = ((4 / 3 * 2 + 0 * 1) / 3) ** 0.5
    assert pooled == pytest.approx(expected)
    assert pooled_change_sd([srs_series(38.0, 39.0)]) is None


def test_it_lets_a_sites_pooled_sd_win_over_the_caseloads() -> None:
    config = MonitoringConfig(rupture_pooled_sd=1.0)
    assert [r.session_number for r in ruptures(40.0, 37.0, config=config, pooled=2.0)] == [2]
    assert ruptures(40.0, 37.0, pooled=2.0) == []
