"""possible_rupture at its edges: when the client's own SD starts to count (both methods),
the own SD of the previous-session method and which changes it leaves out, the 1 SD and
2 SD flags exactly at the bar, and pooling changes of half a point."""

from __future__ import annotations

import math
import statistics

import pytest

from alliance.monitoring import MonitoringConfig
from alliance.monitoring.ruptures import pooled_change_sd, rupture_signals

from .builders import srs_series

CASELOAD_LEVEL_SD = 2.0 / math.sqrt(2)  # the default caseload SD of changes, around a level


def found(*totals: float, config: MonitoringConfig | None = None) -> list[dict[str, object]]:
    signals = rupture_signals(srs_series(*totals), config or MonitoringConfig())
    return [{"session": s.session_number, **s.evidence} for s in signals]


def test_it_counts_the_clients_own_sd_from_four_earlier_ratings_by_level() -> None:
    (three,) = found(38.0, 38.4, 38.0, 33.9)
    (four,) = found(38.0, 38.4, 38.0, 38.4, 33.9)
    assert (three["session"], three["sd_basis"]) == (4, "caseload")
    assert (four["session"], four["sd_basis"]) == (5, "stricter of own and caseload")
    assert three["sd"] == four["sd"] == pytest.approx(CASELOAD_LEVEL_SD)  # own 0.2 is smaller


def test_it_counts_the_clients_own_sd_from_four_earlier_changes_by_previous() -> None:
    previous = MonitoringConfig(rupture_method="previous")
    (three,) = found(38.0, 38.4, 38.0, 38.4, 33.9, config=previous)
    (four,) = found(38.0, 38.4, 38.0, 38.4, 38.0, 33.9, config=previous)
    assert (three["session"], three["sd_basis"], three["sd"]) == (5, "caseload", 2.0)
    assert (four["session"], four["sd_basis"], four["sd"]) == (
        6, "stricter of own and caseload", 2.0,
    )  # fmt: skip


def test_it_holds_a_volatile_client_to_their_own_sd_of_changes_by_previous() -> None:
    config = MonitoringConfig(rupture_method="previous", rupture_sd=1.0, rupture_min_drop=4.0)
    (rupture,) = found(35.0, 39.0, 35.5, 39.5, 36.0, 39.0, 34.0, config=config)
    own = statistics.stdev([4.0, -3.5, 4.0, -3.5, 3.0])  # 3.95, above the caseload's 2.0
    assert (rupture["session"], rupture["drop"]) == (7, 5.0)
    assert rupture["sd"] == pytest.approx(own)
    assert rupture["sd_basis"] == "stricter of own and caseload"


def test_it_leaves_the_fall_into_an_earlier_rupture_out_of_the_own_sd() -> None:
    config = MonitoringConfig(rupture_method="previous", rupture_sd=1.0, rupture_pooled_sd=0.5)
    first, second = found(38.0, 38.4, 38.0, 38.4, 38.0, 31.0, 33.0, 35.0, 37.0, 33.5, config=config)
    assert (first["session"], first["drop"]) == (6, 7.0)
    assert (second["session"], second["drop"]) == (10, 3.5)
    # The changes before session 10 but the fall of 7 into the first rupture.
    assert second["sd"] == pytest.approx(statistics.stdev([0.4, -0.4, 0.4, -0.4, 2, 2, 2]))


def test_it_leaves_an_earlier_rupture_out_of_the_level_and_its_sd() -> None:
    # With the 30 counted, the client's own SD would be 2.7 and the second fall of 3.6 would
    # pass unnoticed.
    first, second = found(38.0, 38.4, 38.0, 38.4, 38.0, 30.0, 38.2, 38.0, 38.4, 34.5)
    assert (first["session"], second["session"]) == (6, 10)
    assert (second["pre_rupture_level"], second["drop"]) == (38.1, 3.6)
    assert second["sd"] == pytest.approx(CASELOAD_LEVEL_SD)


@pytest.mark.parametrize(
    ("pooled", "beyond_1sd", "beyond_2sd"),
    [(3.0, False, False), (1.5, True, False), (1.4, True, True)],
)
def test_it_sets_the_1_sd_and_2_sd_flags_for_a_fall_beyond_not_at_the_bar(
    pooled: float, beyond_1sd: bool, beyond_2sd: bool
) -> None:
    # A fall of 3.0 from the previous session, against the site's SD of changes.
    config = MonitoringConfig(rupture_method="previous", rupture_sd=0.5, rupture_pooled_sd=pooled)
    (rupture,) = found(40.0, 37.0, config=config)
    assert (rupture["drop"], rupture["sd"]) == (3.0, pooled)
    assert (rupture["beyond_1sd"], rupture["beyond_2sd"]) == (beyond_1sd, beyond_2sd)


def test_it_pools_changes_of_half_a_point_as_they_are() -> None:
    pooled = pooled_change_sd([srs_series(38.0, 38.5, 38.0, 38.5)])  # +0.5 -0.5 +0.5
    assert pooled == pytest.approx(math.sqrt(1 / 3))
