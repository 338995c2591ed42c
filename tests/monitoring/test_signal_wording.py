"""What each SRS signal says, word for word: kind, session, instrument, severity, rule,
evidence (every key and value), explanation and suggested action. A clinician reads these
before the client leaves; a changed figure, a renamed evidence key or a swapped severity
must show up here."""

from __future__ import annotations

import math

from alliance.measures import site_cutoffs
from alliance.monitoring import MonitoringConfig, ScoredAdministration, Signal
from alliance.monitoring.alliance_rules import alliance_signals
from alliance.monitoring.ruptures import rupture_signals

from .builders import srs, srs_series

RELIABLE = MonitoringConfig().srs_reliable_change  # 4.16: Jacobson-Truax from the SRS file
CONCERN_ACTION = (
    "Before the client leaves, thank them for the honest rating and ask what would have made "
    "the session better{}; agree one change for next time."
)
SUSTAINED_ACTION = (
    "Metacommunicate: say what you notice in the ratings and in the room, and invite the "
    "client to say what is not working, without defending; consider supervision."
)


def said(
    series: list[ScoredAdministration], kind: str, config: MonitoringConfig | None = None
) -> list[dict[str, object]]:
    signals: list[Signal] = alliance_signals(series, config or MonitoringConfig())
    return [s.as_dict() for s in signals if s.kind == kind]


def test_it_words_an_alliance_concern_and_names_the_lowest_line() -> None:
    assert said([srs(3, 0, items=[9.0, 6.5, 9.0, 9.0])], "alliance_concern") == [{
        "kind": "alliance_concern", "session": 3, "instrument": "srs", "severity": "warning",
        "rule": "srs_total <= 36",
        "evidence": {"srs_total": 33.5, "cutoff": 36.0, "lowest_items": ["2"],
                     "items": {"1": 9.0, "2": 6.5, "3": 9.0, "4": 9.0}},
        "explanation": "The client rated the session 33.5 of 40, at or below the 36 cutoff for "
                       "an alliance concern.",
        "suggested_action": CONCERN_ACTION.format(", starting with Goals and Topics"),
    }]  # fmt: skip


def test_it_names_every_tied_lowest_line_in_the_concern_action() -> None:
    (concern,) = said([srs(1, 0, items=[8.0, 8.0, 8.0, 10.0])], "alliance_concern")
    assert concern["suggested_action"] == CONCERN_ACTION.format(
        ", starting with Relationship, Goals and Topics and Approach or Method"
    )


def test_it_names_no_line_when_every_line_is_at_the_top() -> None:
    # Only a site cutoff at the maximum makes a perfect 40 a concern.
    with site_cutoffs({"srs": {"alliance_concern": 40.0}}):
        (concern,) = said([srs(1, 40.0)], "alliance_concern")
    assert concern["rule"] == "srs_total <= 40"
    assert concern["evidence"] == {
        "srs_total": 40.0, "cutoff": 40.0, "lowest_items": [],
        "items": {"1": 10.0, "2": 10.0, "3": 10.0, "4": 10.0},
    }  # fmt: skip
    assert concern["suggested_action"] == CONCERN_ACTION.format("")


def test_it_words_a_small_drop_as_information() -> None:
    assert said(srs_series(39.5, 38.0), "alliance_drop") == [{
        "kind": "alliance_drop", "session": 2, "instrument": "srs", "severity": "info",
        "rule": "srs_total fell >= 1 from the previous SRS; a warning beyond the reliable "
                "change of 4.2",
        "evidence": {"srs_total": 38.0, "previous_srs_total": 39.5, "previous_session": 1,
                     "fall": 1.5, "threshold": 1.0, "reliable_change": RELIABLE,
                     "beyond_reliable_change": False},
        "explanation": "The session rating is 1.5 points lower than at session 1 (39.5 to 38).",
        "suggested_action": "Worth a word if time allows: 'your rating is a little lower "
                            "today; was anything different about this session?'",
    }]  # fmt: skip


def test_it_words_a_drop_beyond_the_reliable_change_as_a_warning() -> None:
    assert said(srs_series(40.0, 35.8), "alliance_drop") == [{
        "kind": "alliance_drop", "session": 2, "instrument": "srs", "severity": "warning",
        "rule": "srs_total fell >= 1 from the previous SRS; a warning beyond the reliable "
                "change of 4.2",
        "evidence": {"srs_total": 35.8, "previous_srs_total": 40.0, "previous_session": 1,
                     "fall": 4.2, "threshold": 1.0, "reliable_change": RELIABLE,
                     "beyond_reliable_change": True},
        "explanation": "The session rating fell sharply, by 4.2 points, from session 1 "
                       "(40 to 35.8).",
        "suggested_action": "Raise it today: 'your rating is much lower than last time; I'd "
                            "like to understand what happened in this session.' Listen without "
                            "defending.",
    }]  # fmt: skip


def test_it_holds_a_drop_exactly_at_a_site_reliable_change_not_beyond_it() -> None:
    config = MonitoringConfig(reliable_change={"srs": 4.2})
    (at,) = said(srs_series(40.0, 35.8), "alliance_drop", config)
    (beyond,) = said(srs_series(40.0, 35.7), "alliance_drop", config)
    assert (at["severity"], at["evidence"]["beyond_reliable_change"]) == ("info", False)  # type: ignore[index]
    assert (beyond["severity"], beyond["evidence"]["beyond_reliable_change"]) == ("warning", True)  # type: ignore[index]


def test_it_words_a_low_line_under_a_fine_total() -> None:
    assert said([srs(2, 0, items=[10.0, 10.0, 7.5, 10.0])], "alliance_item_low") == [{
        "kind": "alliance_item_low", "session": 2, "instrument": "srs", "severity": "info",
        "rule": "srs item < 8 with total > 36",
        "evidence": {"srs_total": 37.5, "low_items": {"3": 7.5}, "item_threshold": 8.0},
        "explanation": "The total (37.5) is above the cutoff but Approach or Method was rated "
                       "below 8.",
        "suggested_action": "A brief check-in on Approach or Method: ask what would have made "
                            "it fit better today.",
    }]  # fmt: skip


def test_it_adds_the_drift_note_when_goals_and_topics_is_low() -> None:
    (low,) = said([srs(1, 0, items=[10.0, 7.9, 10.0, 10.0])], "alliance_item_low")
    assert low["evidence"] == {"srs_total": 37.9, "low_items": {"2": 7.9}, "item_threshold": 8.0}
    assert low["explanation"] == (
        "The total (37.9) is above the cutoff but Goals and Topics was rated below 8. A low "
        "Goals and Topics rating often means the session drifted from what the client needed."
    )


def test_it_words_the_perfect_score_prompt() -> None:
    assert said(srs_series(40, 40, 40), "alliance_item_low") == [{
        "kind": "alliance_item_low", "session": 3, "instrument": "srs", "severity": "info",
        "rule": "srs_total = 40 at 3 sessions in a row",
        "evidence": {"srs_total": 40.0, "perfect_sessions_in_a_row": 3},
        "explanation": "The client has rated 3 sessions in a row a perfect 40; steady perfect "
                       "scores can mean a client reluctant to criticise.",
        "suggested_action": "Normalise honest feedback: 'I really want to know when something "
                            "doesn't fit; a lower mark helps me more than a perfect one.'",
    }]  # fmt: skip


def test_it_starts_a_new_perfect_streak_after_a_gap_in_the_session_numbers() -> None:
    gap = [srs(1, 40.0), srs(2, 40.0), srs(4, 40.0), srs(5, 40.0)]
    assert said(gap, "alliance_item_low") == []
    (prompt,) = said([*gap, srs(6, 40.0)], "alliance_item_low")
    assert (prompt["session"], prompt["evidence"]) == (
        6, {"srs_total": 40.0, "perfect_sessions_in_a_row": 3},
    )  # fmt: skip


def test_it_words_a_sustained_low_run_with_its_length_and_gaps() -> None:
    series = [srs(1, 35.0), srs(2, 35.0), srs(4, 34.5)]
    assert said(series, "sustained_low_alliance") == [{
        "kind": "sustained_low_alliance", "session": 2, "instrument": "srs",
        "severity": "warning", "rule": "srs_total <= 36 at 2 SRS in a row",
        "evidence": {"sessions": [1, 2], "srs_totals": [35.0, 35.0], "run": 2,
                     "skipped_sessions": [], "cutoff": 36.0},
        "explanation": "The session rating has been at or below 36 for 2 ratings in a row: a "
                       "possible withdrawal rupture in progress, where the client goes along "
                       "but distances.",
        "suggested_action": SUSTAINED_ACTION,
    }, {
        "kind": "sustained_low_alliance", "session": 4, "instrument": "srs", "severity": "info",
        "rule": "srs_total <= 36 at 3 SRS in a row",
        "evidence": {"sessions": [1, 2, 4], "srs_totals": [35.0, 35.0, 34.5], "run": 3,
                     "skipped_sessions": [3], "cutoff": 36.0},
        "explanation": "The session rating has been at or below 36 for 3 ratings in a row (no "
                       "SRS at session 3): a possible withdrawal rupture in progress, where the "
                       "client goes along but distances.",
        "suggested_action": SUSTAINED_ACTION,
    }]  # fmt: skip


def test_it_words_a_slide_with_its_start_and_fall() -> None:
    # 0.8 a session from 39.5; 2.4 at session 5 is short of the 2.5 the slide needs; the
    # rise afterwards does not take back what was said at session 6.
    series = srs_series(38.0, 39.5, 38.7, 37.9, 37.1, 36.6, 39.0)
    assert said(series, "alliance_decline") == [{
        "kind": "alliance_decline", "session": 6, "instrument": "srs", "severity": "warning",
        "rule": "falling trend over the last 4 SRS and a fall of >= 2.5 since the slide began",
        "evidence": {"sessions": [2, 3, 4, 5, 6], "srs_totals": [39.5, 38.7, 37.9, 37.1, 36.6],
                     "start_session": 2, "fall": 2.9, "threshold": 2.5,
                     "reliable_change": RELIABLE, "window": 4, "lookback": 8},
        "explanation": "The session rating has slid from 39.5 at session 2 to 36.6 today, 2.9 "
                       "points over 4 sessions: a slow withdrawal is often a rupture in "
                       "progress.",
        "suggested_action": "Name the trend with the client ('your ratings have been edging "
                            "down; what has been missing for you lately?') and invite "
                            "criticism; consider supervision.",
    }]  # fmt: skip


def test_it_words_a_possible_rupture_not_yet_repaired() -> None:
    (rupture,) = rupture_signals(srs_series(40.0, 35.8), MonitoringConfig())
    assert rupture.as_dict() == {
        "kind": "possible_rupture", "session": 2, "instrument": "srs", "severity": "warning",
        "rule": "fall below the client's own level > 2 SD and >= 3 points",
        "evidence": {"method": "level", "srs_total": 35.8, "pre_rupture_level": 40.0,
                     "pre_rupture_session": 1, "drop": 4.2, "sd": 2.0 / math.sqrt(2),
                     "sd_basis": "caseload", "sd_multiplier": 2.0, "min_drop": 3.0,
                     "beyond_1sd": True, "beyond_2sd": True, "repair_window": 3,
                     "repaired": False, "repair_session": None, "repair_total": None,
                     "exceeds_pre_rupture": False, "rupture_type": None},
        "explanation": "Today's session rating, 35.8, is 4.2 points below this client's usual "
                       "level of 40: more than 2 times their usual variation (SD 1.41). It has "
                       "not yet returned to that level.",
        "suggested_action": "Repair: notice the rupture, mark it explicitly ('something seemed "
                            "to go wrong between us today'), and explore the client's experience "
                            "of it without defending; record whether it showed as withdrawal or "
                            "confrontation.",
    }  # fmt: skip
