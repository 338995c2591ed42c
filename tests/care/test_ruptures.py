"""Recording ruptures as the clinician judged them, their repair steps and outcome: each
rule refuses bad input with a message naming the problem and stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Episode, RepairStep, Rupture, Session
from alliance.care.services.ruptures import (
    MARKERS,
    RuptureError,
    record_outcome,
    record_repair_step,
    record_rupture,
)

from ..cast import client_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(clinician: User) -> Episode:
    # clinician1's client R-1, at session 5.
    episode = client_of(clinician, "R-1", started_on=dt.date(2026, 1, 5)).episodes.get()
    for n in range(1, 6):
        Session.objects.create(
            episode=episode, number=n, held_on=dt.date(2026, 1, 5) + dt.timedelta(weeks=n)
        )
    return episode


def test_it_records_a_rupture_with_its_markers_in_order_without_duplicates(
    episode: Episode, clinician: User
) -> None:
    rupture = record_rupture(
        episode=episode,
        session_number=3,
        rupture_type="withdrawal",
        noticed_via="scores",
        markers=["minimal", "appeasing", "minimal"],
        description="  quieter than usual ",
        user=clinician,
    )
    stored = Rupture.objects.get()
    assert stored.pk == rupture.pk and stored.markers == ["minimal", "appeasing"]
    assert stored.description == "quieter than usual" and stored.outcome == "open"


@pytest.mark.parametrize(
    ("changes", "code", "words"),
    [
        ({"rupture_type": "anger"}, "bad_type", "withdrawal, confrontation or unclear"),
        ({"noticed_via": ""}, "bad_noticed_via", "how the rupture was noticed"),
        ({"session_number": 9}, "unknown_session", "no session 9"),
        ({"markers": ["about_therapist"]}, "bad_marker", "not a withdrawal marker"),
        ({"markers": ["<script>"]}, "bad_marker", "unknown marker"),
        ({"description": "x" * 4001}, "too_long", "longer than 4000"),
    ],
)
def test_it_refuses_a_bad_rupture_and_stores_nothing(
    episode: Episode, clinician: User, changes: dict[str, object], code: str, words: str
) -> None:
    fields: dict[str, object] = {
        "session_number": 3,
        "rupture_type": "withdrawal",
        "noticed_via": "in_session",
        "markers": ["minimal"],
    }
    with pytest.raises(RuptureError) as caught:
        record_rupture(episode=episode, user=clinician, **(fields | changes))  # type: ignore[arg-type]
    assert caught.value.code == code and words in caught.value.message
    assert not Rupture.objects.exists()


def test_an_unclear_rupture_may_carry_markers_of_either_kind(
    episode: Episode, clinician: User
) -> None:
    markers = [MARKERS["withdrawal"][0][0], MARKERS["confrontation"][0][0]]
    rupture = record_rupture(
        episode=episode,
        session_number=2,
        rupture_type="unclear",
        noticed_via="client",
        markers=markers,
        user=clinician,
    )
    assert rupture.markers == markers


def test_it_records_each_repair_step_once_and_not_before_the_rupture(
    episode: Episode, clinician: User
) -> None:
    rupture = record_rupture(
        episode=episode,
        session_number=3,
        rupture_type="confrontation",
        noticed_via="in_session",
        user=clinician,
    )
    record_repair_step(rupture=rupture, step="noticed", session_number=3, user=clinician)
    record_repair_step(
        rupture=rupture, step="marked", session_number=4, note="named it", user=clinician
    )
    with pytest.raises(RuptureError, match="already recorded"):
        record_repair_step(rupture=rupture, step="noticed", session_number=4, user=clinician)
    with pytest.raises(RuptureError, match="before the rupture"):
        record_repair_step(rupture=rupture, step="explored", session_number=2, user=clinician)
    with pytest.raises(RuptureError, match="noticed, marked or explored"):
        record_repair_step(rupture=rupture, step="fixed", session_number=4, user=clinician)
    assert list(RepairStep.objects.values_list("step", "session_number", "note")) == [
        ("noticed", 3, ""),
        ("marked", 4, "named it"),
    ]


def test_it_sets_the_outcome_with_who_and_when(episode: Episode, clinician: User) -> None:
    rupture = record_rupture(
        episode=episode,
        session_number=2,
        rupture_type="withdrawal",
        noticed_via="scores",
        user=clinician,
    )
    with pytest.raises(RuptureError, match="open, resolved"):
        record_outcome(rupture=rupture, outcome="fine", session_number=3, user=clinician)
    with pytest.raises(RuptureError, match="before the rupture"):
        record_outcome(rupture=rupture, outcome="resolved", session_number=1, user=clinician)
    assert Rupture.objects.get().outcome == "open"
    record_outcome(
        rupture=rupture, outcome="resolved", session_number=4, note="back on track", user=clinician
    )
    stored = Rupture.objects.get()
    assert (stored.outcome, stored.outcome_session, stored.outcome_note) == (
        "resolved",
        4,
        "back on track",
    )
    assert stored.outcome_recorded_by == clinician and stored.outcome_recorded_at is not None
