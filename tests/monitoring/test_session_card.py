"""The session card's public shape (what the caseload and the API show) and the episode it
is built from keeping who its clinician is."""

from __future__ import annotations

from alliance.monitoring import ScoredEpisode, Signal, session_priorities

from .builders import srs


def signal(kind: str, severity: str, instrument: str = "srs") -> Signal:
    return Signal(kind, 4, instrument, severity, "", {}, "", "")  # type: ignore[arg-type]


def test_it_shows_a_cards_priority_headline_and_the_others_in_order() -> None:
    (card,) = session_priorities([
        signal("alliance_drop", "info"), signal("reliable_deterioration", "warning", "phq-9"),
        signal("alliance_concern", "warning"),
    ])  # fmt: skip
    assert card.as_dict() == {
        "session": 4, "priority": "warning", "headline": "alliance_concern",
        "headline_instrument": "srs", "others": ["reliable_deterioration", "alliance_drop"],
    }  # fmt: skip


def test_it_keeps_an_episodes_clinician_and_orders_its_forms() -> None:
    episode = ScoredEpisode.of("C1", [srs(2, 38.0), srs(1, 39.0)], clinician_id="clinician1")
    assert episode.clinician_id == "clinician1"
    assert [a.session_number for a in episode] == [1, 2]
    assert episode.session_numbers() == [1, 2]
    assert ScoredEpisode.of("C1", []).clinician_id is None
