"""The measure plan: editable, checked, and read by what is due at each session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Episode
from alliance.care.services.due import due_instruments
from alliance.care.services.plans import (
    PlanError,
    describe_plan,
    parse_windows,
    update_measure_plan,
)
from alliance.care.services.sessions import start_session

from ..cast import client_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(clinician: User) -> Episode:
    return client_of(clinician, "P-1", started_on=dt.date(2026, 1, 5)).episodes.get()


def test_it_reads_windows_as_clinicians_write_them() -> None:
    assert parse_windows("3-4, 8-10") == [(3, 4), (8, 10)]
    assert parse_windows(" 2 ,6 - 7,") == [(2, 2), (6, 7)]
    assert parse_windows("") == []


@pytest.mark.parametrize(
    ("text", "words"),
    [("3-x", "written like 3-4"), ("4-3", "earlier session"), ("3-5, 5-6", "must not overlap"),
     ("8-10, 3-4", "in order"), ("0", "earlier session"), ("3;4", "written like")],
)  # fmt: skip
def test_it_refuses_windows_it_cannot_read(text: str, words: str) -> None:
    with pytest.raises(PlanError, match=words):
        parse_windows(text)


def test_the_default_plan_round_trips_through_the_edit_form(episode: Episode) -> None:
    shown = describe_plan(episode.measure_plan)
    assert shown["every_session"] == ["srs", "phq-9", "gad-7"]
    assert (shown["wai_windows"], shown["therapist_wai"]) == ("3-4, 8-10", False)
    update_measure_plan(episode=episode, every_session=shown["every_session"],
                        wai_windows=shown["wai_windows"], therapist_wai=False)  # fmt: skip
    episode.refresh_from_db()
    assert episode.measure_plan == Episode(client=episode.client).measure_plan


def test_an_edited_plan_changes_what_is_due_for_client_and_therapist(episode: Episode) -> None:
    update_measure_plan(episode=episode, every_session=["srs", "ors", "srs"],
                        wai_windows="2-3", therapist_wai=True)  # fmt: skip
    episode.refresh_from_db()
    assert episode.measure_plan.every_session == ("srs", "ors")
    first = start_session(client=episode.client)
    second = start_session(client=episode.client)
    assert due_instruments(first) == {"client": ["srs", "ors"], "therapist": []}
    assert due_instruments(second) == {
        "client": ["srs", "ors", "wai-sr"],
        "therapist": ["wai-sr-t"],
    }


@pytest.mark.parametrize(
    ("fields", "words"),
    [({"every_session": []}, "at least one"), ({"every_session": ["wai-sr"]}, "cannot be given"),
     ({"wai_windows": "", "therapist_wai": True}, "follows the client's windows")],
)  # fmt: skip
def test_it_refuses_a_plan_that_cannot_work_and_keeps_the_old_one(
    episode: Episode, fields: dict[str, object], words: str
) -> None:
    before = episode.measure_plan
    plan = {"every_session": ["srs"], "wai_windows": "3-4", "therapist_wai": False} | fields
    with pytest.raises(PlanError, match=words):
        update_measure_plan(episode=episode, **plan)  # type: ignore[arg-type]
    episode.refresh_from_db()
    assert episode.measure_plan == before
