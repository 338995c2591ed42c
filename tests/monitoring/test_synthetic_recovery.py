"""A generated caseload: every planted event is recovered, and stable clients raise no
rupture."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from alliance.monitoring import MonitoringConfig, Signal, monitor_episode
from alliance.monitoring.ruptures import pooled_change_sd
from alliance.synthetic import Caseload, generate_caseload


@pytest.fixture(scope="module")
def caseload() -> Caseload:
    return generate_caseload(400, seed=41)


@pytest.fixture(scope="module")
def signals(caseload: Caseload) -> dict[str, list[Signal]]:
    pooled = pooled_change_sd(e.series("srs") for e in caseload.episodes)
    return {e.client_id: monitor_episode(e, pooled_srs_sd=pooled) for e in caseload.episodes}


@pytest.fixture(scope="module")
def previous_rule(caseload: Caseload) -> dict[str, list[Signal]]:
    # This generator plants each rupture as a fall from the session before, and its repair
    # as the return to that session's total: the literature's rule reads it the same way.
    pooled = pooled_change_sd(e.series("srs") for e in caseload.episodes)
    config = MonitoringConfig(rupture_method="previous")
    return {e.client_id: monitor_episode(e, config, pooled_srs_sd=pooled)
            for e in caseload.episodes}  # fmt: skip


def by_kind(found: list[Signal]) -> dict[str, list[Signal]]:
    grouped: dict[str, list[Signal]] = defaultdict(list)
    for signal in found:
        grouped[signal.kind].append(signal)
    return grouped


def test_the_caseload_plants_every_kind_of_event(caseload: Caseload) -> None:
    truth = caseload.truth.values()
    assert sum(bool(t.ruptures) for t in truth) >= 40
    assert any(r.repaired for t in truth for r in t.ruptures)
    assert any(not r.repaired for t in truth for r in t.ruptures)
    assert sum(t.withdrawal_from is not None for t in truth) >= 20
    assert sum(bool(t.self_harm_sessions) for t in truth) >= 5
    assert sum(t.stable_alliance for t in truth) >= 200


def test_it_finds_every_planted_rupture_and_its_repair(
    caseload: Caseload, signals: dict[str, list[Signal]], previous_rule: dict[str, list[Signal]]
) -> None:
    checked = 0
    for client_id, truth in caseload.truth.items():
        by_level = {s.session_number for s in by_kind(signals[client_id])["possible_rupture"]}
        assert {r.session_number for r in truth.ruptures} <= by_level, client_id
        found = {s.session_number: s for s in by_kind(previous_rule[client_id])["possible_rupture"]}
        for planted in truth.ruptures:
            assert planted.session_number in found, (
                f"{client_id}: rupture at {planted.session_number} missed"
            )
            evidence = found[planted.session_number].evidence
            assert evidence["repaired"] is planted.repaired, client_id
            assert evidence["repair_session"] == planted.repair_session, client_id
            assert evidence["exceeds_pre_rupture"] is planted.exceeds_pre, client_id
            checked += 1
    assert checked >= 40


def test_stable_clients_raise_no_rupture_concern_or_withdrawal(
    caseload: Caseload, signals: dict[str, list[Signal]]
) -> None:
    stable = [c for c, t in caseload.truth.items() if t.stable_alliance]
    for client_id in stable:
        kinds = by_kind(signals[client_id])
        assert kinds["possible_rupture"] == [], client_id
        assert kinds["alliance_concern"] == [], client_id
        assert kinds["sustained_low_alliance"] == [], client_id
    assert len(stable) >= 200


def test_it_finds_every_planted_withdrawal(
    caseload: Caseload, signals: dict[str, list[Signal]]
) -> None:
    checked = 0
    for client_id, truth in caseload.truth.items():
        if truth.withdrawal_from is None:
            continue
        sustained = by_kind(signals[client_id])["sustained_low_alliance"]
        # The second low session in a row, as news; later ones are reminders.
        assert sustained and sustained[0].session_number == truth.withdrawal_from + 1, client_id
        assert sustained[0].severity == "warning", client_id
        assert all(s.severity == "info" for s in sustained[1:]), client_id
        checked += 1
    assert checked >= 20


def test_it_raises_self_harm_at_exactly_the_planted_sessions(
    caseload: Caseload, signals: dict[str, list[Signal]]
) -> None:
    for client_id, truth in caseload.truth.items():
        sessions = [s.session_number for s in by_kind(signals[client_id])["self_harm_risk"]]
        assert tuple(sessions) == truth.self_harm_sessions, client_id
    assert sum(bool(t.self_harm_sessions) for t in caseload.truth.values()) >= 5


def test_it_sees_the_planted_symptom_courses(
    caseload: Caseload, signals: dict[str, list[Signal]]
) -> None:
    courses: Counter[str] = Counter()
    for client_id, truth in caseload.truth.items():
        kinds = by_kind(signals[client_id])
        courses[truth.course] += 1
        if truth.course == "deteriorator":
            assert kinds["reliable_deterioration"], client_id
            assert not kinds["reliable_recovery"], client_id
        elif truth.course == "improver":
            assert kinds["reliable_improvement"], client_id
            assert not kinds["reliable_deterioration"], client_id
    assert courses["deteriorator"] >= 40 and courses["improver"] >= 150
