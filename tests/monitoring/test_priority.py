"""One priority and one headline per session: the most pressing signal first, the others
grouped under it."""

from __future__ import annotations

from alliance.monitoring import Signal, monitor_episode, session_priorities
from alliance.monitoring.priority import KIND_ORDER, pressing_order

from .builders import episode, phq9, srs_series


def signal(kind: str, severity: str, session: int = 1, instrument: str = "srs") -> Signal:
    return Signal(kind, session, instrument, severity, "", {}, "", "")  # type: ignore[arg-type]


def test_a_session_with_overlapping_signals_reads_as_one_card() -> None:
    signals = monitor_episode(episode(srs_series(39, 39, 39, 34.5), phq9(4, 14, item9=1)))
    (card,) = [p for p in session_priorities(signals) if p.session_number == 4]
    assert (card.priority, card.headline.kind, card.rank) == ("urgent", "self_harm_risk", 0)
    assert [s.kind for s in card.others][:3] == [
        "alliance_concern", "possible_rupture", "alliance_drop",
    ]  # fmt: skip
    assert card.as_dict()["headline"] == "self_harm_risk"
    assert len(card.others) + 1 == len([s for s in signals if s.session_number == 4])


def test_severity_comes_before_the_clinical_order_of_kinds() -> None:
    cards = session_priorities([
        signal("alliance_drop", "info", 1), signal("not_on_track", "warning", 1),
        signal("alliance_item_low", "info", 2), signal("reliable_recovery", "info", 2, "phq-9"),
    ])  # fmt: skip
    assert [(c.session_number, c.priority, c.headline.kind) for c in cards] == [
        (1, "warning", "not_on_track"), (2, "info", "alliance_item_low"),
    ]  # fmt: skip
    assert [c.rank for c in cards] == [1, 2]


def test_the_order_of_kinds_puts_safety_then_the_relationship_then_the_course() -> None:
    ordered = sorted((signal(k, "warning") for k in reversed(KIND_ORDER)), key=pressing_order)
    assert [s.kind for s in ordered] == list(KIND_ORDER)
    assert KIND_ORDER[:3] == ("self_harm_risk", "alliance_concern", "possible_rupture")
    unknown = signal("something_new", "warning")
    assert pressing_order(unknown) > pressing_order(signal("reliable_improvement", "warning"))


def test_a_session_without_signals_has_no_card() -> None:
    assert session_priorities([]) == []
    cards = session_priorities([signal("alliance_concern", "warning", 3)])
    assert [c.session_number for c in cards] == [3] and cards[0].others == ()
