"""A caseload's reference (expected trajectories and the pooled SD of SRS changes): built from
episodes, described for a report, saved and loaded, and a file that is not one refused with
what is wrong in it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from alliance.monitoring import MonitoringConfig
from alliance.monitoring.ruptures import pooled_change_sd
from alliance.monitoring.trajectory import (
    ExpectedTrajectory,
    Reference,
    TrajectoryError,
    load_reference,
    reference_from_dict,
    reference_from_episodes,
    reference_to_dict,
    save_reference,
)

from .builders import episode, phq9, srs_series

CURVE = ExpectedTrajectory("phq-9", 2.0, 0.5, -1.0, 0.1, 1.5, 0.2, -0.1, 4.0, 40, 400)


def test_it_builds_a_reference_from_episodes_with_three_scores_or_more() -> None:
    first = srs_series(38.0, 39.0, 38.0, 39.5)
    second = srs_series(36.0, 36.5, 37.5)
    episodes = [
        episode(first, [phq9(s, t) for s, t in ((1, 14), (2, 12), (3, 11))]),
        episode(second, [phq9(1, 16), phq9(2, 15)]),  # two PHQ-9: not a course to learn from
    ]
    reference = reference_from_episodes(episodes, MonitoringConfig())
    assert reference.trajectories == {"phq-9": None}  # one episode: the rule fallback
    assert reference.pooled_srs_sd == pooled_change_sd([first, second])
    assert reference_from_episodes([episodes[1]]).trajectories == {}


def test_it_describes_which_method_each_instrument_uses() -> None:
    assert Reference({"phq-9": CURVE, "ors": None}, 1.25).describe() == {
        "trajectories": {
            "phq-9": {"method": "expected_trajectory", "reference_episodes": 40},
            "ors": {"method": "rule_fallback"},
        },
        "pooled_srs_change_sd": 1.25,
    }
    assert Reference({}, None).describe() == {"trajectories": {}, "pooled_srs_change_sd": None}


def test_it_saves_a_readable_file_and_loads_it_back(tmp_path: Path) -> None:
    path = tmp_path / "reference.json"
    reference = Reference({"phq-9": CURVE, "gad-7": None}, 1.25)
    save_reference(reference, path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{\n  "trajectories": {\n    "phq-9": {\n      "instrument": "phq-9"')
    assert json.loads(text) == reference_to_dict(reference)
    assert load_reference(path) == reference


def fields(**changes: Any) -> dict[str, Any]:
    data = reference_to_dict(Reference({"phq-9": CURVE}, 1.25))
    data["trajectories"]["phq-9"].update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [(fields(residual_var=-1.0), "variances must not be negative"),
     (fields(re_slope_var=-0.1), "variances must not be negative"),
     (fields(re_intercept_var=-0.1), "variances must not be negative"),
     (fields(intercept=float("nan")), "intercept must be a finite number"),
     (fields(log_session=float("inf")), "log_session must be a finite number"),
     (fields(episodes=True), "episodes must be a finite number"),
     (fields(instrument=3), "instrument must be text"),
     (fields() | {"pooled_srs_sd": 0}, "pooled_srs_sd must be a positive number"),
     (fields() | {"pooled_srs_sd": True}, "pooled_srs_sd must be a positive number"),
     (fields() | {"pooled_srs_sd": float("inf")}, "pooled_srs_sd must be a positive number")],
)  # fmt: skip
def test_it_refuses_a_reference_with_a_figure_it_cannot_use(
    data: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        reference_from_dict(data)
    assert str(caught.value) == message


def test_it_uses_a_negative_covariance() -> None:
    assert reference_from_dict(fields()).trajectories["phq-9"] == CURVE  # re_cov -0.1


def test_it_uses_variances_of_zero_and_a_small_pooled_sd() -> None:
    # A boundary fit (a random effect with no variance) still predicts.
    zero = reference_from_dict(
        fields(re_intercept_var=0.0, re_slope_var=0.0) | {"pooled_srs_sd": 0.5}
    )
    assert zero.pooled_srs_sd == 0.5
    curve = zero.trajectories["phq-9"]
    assert curve is not None and (curve.re_intercept_var, curve.re_slope_var) == (0.0, 0.0)


def test_it_names_the_file_that_is_not_a_reference(tmp_path: Path) -> None:
    path = tmp_path / "reference.json"
    path.write_text(json.dumps(fields(residual_var=-1.0)), encoding="utf-8")
    with pytest.raises(TrajectoryError) as caught:
        load_reference(path)
    assert caught.value.code == "bad_reference"
    assert caught.value.message == (
        f"{path}: not a saved reference of expected trajectories (variances must not be negative)"
    )
