"""The measure plan as one typed object: checked when made, and the one reader of what is due."""

from __future__ import annotations

import pytest

from alliance.care.measure_plan import MeasurePlan, PlanError


def test_the_default_gives_the_wai_sr_in_its_windows_only_until_given() -> None:
    plan = MeasurePlan.default()
    assert plan.due(1, set()) == ["srs", "phq-9", "gad-7"]
    assert plan.due(3, set()) == ["srs", "phq-9", "gad-7", "wai-sr"]
    assert plan.due(4, {("wai-sr", 3)}) == ["srs", "phq-9", "gad-7"]  # given at 3
    assert plan.due(4, set()) == ["srs", "phq-9", "gad-7", "wai-sr"]  # missed at 3
    assert plan.due(3, {("wai-sr", 3)}) == ["srs", "phq-9", "gad-7", "wai-sr"]  # this session
    assert plan.due(11, set()) == ["srs", "phq-9", "gad-7"]
    assert MeasurePlan.default("ors").every_session == ("srs", "ors")


def test_it_splits_what_is_due_by_who_fills_it() -> None:
    plan = MeasurePlan.parse({"every_session": ["srs"], "windows": [
        {"instrument": "wai-sr", "first": 2, "last": 2},
        {"instrument": "wai-sr-t", "first": 2, "last": 2}]})  # fmt: skip
    assert plan.due_by_respondent(2, set()) == {"client": ["srs", "wai-sr"],
                                                "therapist": ["wai-sr-t"]}  # fmt: skip
    assert (plan.client_windows_text(), plan.therapist_wai) == ("2", True)


def test_it_round_trips_through_json() -> None:
    plan = MeasurePlan.default()
    assert MeasurePlan.parse(plan.as_json()) == plan
    assert plan.as_json()["windows"][0] == {"instrument": "wai-sr", "first": 3, "last": 4}


@pytest.mark.parametrize(
    ("data", "says"),
    [({"every_session": []}, "at least 1"),
     ({"every_session": ["wai-sr"]}, "cannot be given every session"),
     ({"every_session": ["srs", "srs"]}, "listed twice"),
     ({"every_session": ["srs"], "windows": [{"instrument": "wai-sr", "first": 4, "last": 3}]},
      "earlier session"),
     ({"every_session": ["srs"], "windows": [{"instrument": "wai-sr", "first": 3, "last": 5},
                                            {"instrument": "wai-sr", "first": 5, "last": 6}]},
      "must not overlap"),
     ({"every_session": ["srs"], "windows": [{"instrument": "phq-9", "first": 3, "last": 4}]},
      "wai-sr"),
     ({"every_session": ["srs"], "extra": 1}, "not permitted"),
     ("srs", "valid dictionary")],
)  # fmt: skip
def test_it_refuses_a_plan_that_cannot_work(data: object, says: str) -> None:
    with pytest.raises(PlanError, match=says) as refused:
        MeasurePlan.parse(data)
    assert refused.value.code == "bad_plan"
