"""How well not_on_track warned, by how each episode ended: eventual reliable deteriorators
(PHQ-9, else ORS) flagged by sessions 3, 4 and 6, and eventual reliable improvers ever
flagged, with the counts."""

from __future__ import annotations

from alliance.analytics.early_warning import EarlyWarning
from alliance.measures import score
from alliance.monitoring import MonitoringConfig, ScoredAdministration, ScoredEpisode, Signal


def phq9(session: int, total: int) -> ScoredAdministration:
    answers, left = {}, total
    for n in range(1, 10):
        answers[str(n)] = min(3, left) if n < 9 else 0
        left -= answers[str(n)]
    return ScoredAdministration(session, "phq-9", score("phq-9", answers))


def ors(session: int, total: int) -> ScoredAdministration:
    answers, left = {}, total
    for n in range(1, 5):
        answers[str(n)] = min(10, left)
        left -= answers[str(n)]
    return ScoredAdministration(session, "ors", score("ors", answers))


def flag(session: int) -> Signal:
    return Signal("not_on_track", session, "phq-9", "warning", "rule", {}, "", "")


def episode(client: str, *forms: ScoredAdministration) -> ScoredEpisode:
    return ScoredEpisode.of(client, forms)


def test_it_counts_deteriorators_flagged_by_each_session_and_improvers_ever_flagged() -> None:
    counts = EarlyWarning(MonitoringConfig())
    counts.add(episode("D1", phq9(1, 10), phq9(5, 16)), [flag(3)])  # worse by 6: reliable
    counts.add(episode("D2", phq9(1, 10), phq9(8, 18)), [flag(5), flag(6)])
    counts.add(episode("D3", phq9(1, 10), phq9(8, 18)), [])  # never flagged
    counts.add(episode("D4", ors(1, 30), ors(8, 24)), [flag(4)])  # ORS down 6 (5 is reliable)
    counts.add(episode("W", phq9(1, 10), phq9(8, 15)), [flag(3)])  # worse by 5: not reliable
    counts.add(episode("I1", phq9(1, 16), phq9(8, 10)), [flag(4)])  # better by 6, flagged
    counts.add(episode("I2", ors(1, 20), ors(8, 25)), [])  # ORS up 5
    counts.add(episode("One", phq9(1, 20)), [flag(3)])  # one score: no outcome
    assert counts.as_dict() == {
        "outcome_measures": ["phq-9", "ors"],
        "deteriorators": {
            "n": 4,
            "by_measure": {"phq-9": 3, "ors": 1},
            "flagged_by_session": {
                "3": {"count": 1, "share": 0.25},
                "4": {"count": 2, "share": 0.5},
                "6": {"count": 3, "share": 0.75},
            },
        },
        "improvers": {
            "n": 2,
            "by_measure": {"phq-9": 1, "ors": 1},
            "ever_flagged": {"count": 1, "share": 0.5},
        },
        "benchmark": "Lambert's OQ system flagged 85% of eventual deteriorators by session 3 "
        "(Hannan et al. 2005)",
    }


def test_it_judges_on_the_phq9_before_the_ors() -> None:
    counts = EarlyWarning(MonitoringConfig())
    # PHQ-9 unchanged, ORS reliably worse: judged on the PHQ-9, so neither.
    counts.add(episode("A", phq9(1, 12), phq9(6, 12), ors(1, 30), ors(6, 20)), [])
    figures = counts.as_dict()
    assert figures["deteriorators"]["n"] == 0 and figures["improvers"]["n"] == 0
    assert figures["deteriorators"]["flagged_by_session"]["3"]["share"] is None


def test_it_follows_a_sites_reliable_change_figure() -> None:
    counts = EarlyWarning(MonitoringConfig(reliable_change={"phq-9": 4.0}))
    counts.add(episode("A", phq9(1, 10), phq9(6, 14)), [])
    assert counts.as_dict()["deteriorators"]["n"] == 1
