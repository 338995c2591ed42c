"""Which reference episodes the expected trajectory is fitted from (every episode with three
scores or more counts, and thirty of them are enough), and each fitted figure kept where it
belongs."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from alliance.monitoring import MonitoringConfig, fit_trajectory
from alliance.monitoring.trajectory import reference_from_episodes

from .builders import episode, phq9


def three_score_episodes(count: int) -> list[list[tuple[int, float]]]:
    rng = np.random.default_rng(3)
    episodes = []
    for _ in range(count):
        intake = float(rng.integers(10, 23))
        later = [
            (s, 0.5 + 0.95 * intake - (1.0 + 0.15 * intake) * math.log(s) + rng.normal(0, 1.5))
            for s in (2, 3)
        ]
        episodes.append([(1, intake), *later])
    return episodes


def test_it_fits_from_thirty_episodes_of_three_scores() -> None:
    fitted = fit_trajectory("phq-9", three_score_episodes(30), MonitoringConfig())
    assert fitted is not None
    assert (fitted.instrument, fitted.episodes, fitted.observations) == ("phq-9", 30, 60)
    assert fit_trajectory("phq-9", three_score_episodes(29), MonitoringConfig()) is None


def test_it_keeps_each_fitted_figure_in_its_own_field() -> None:
    # The same model fitted directly: score ~ intake * log(session), random intercept and
    # log(session) slope per client, REML.
    import statsmodels.api as sm

    episodes = three_score_episodes(40)
    fitted = fit_trajectory("phq-9", episodes, MonitoringConfig())
    assert fitted is not None
    rows = [(g, s, y, series[0][1]) for g, series in enumerate(episodes) for s, y in series[1:]]
    log_t = np.log([s for _, s, _, _ in rows])
    intake = np.array([i for *_, i in rows])
    exog = np.column_stack([np.ones_like(log_t), intake, log_t, intake * log_t])
    model = sm.MixedLM(
        np.array([y for _, _, y, _ in rows]), exog, groups=np.array([g for g, *_ in rows]),
        exog_re=np.column_stack([np.ones_like(log_t), log_t]),
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a boundary fit warns and still fits
        direct = model.fit(method=["bfgs", "lbfgs"], reml=True)
    fe, cov = direct.fe_params, direct.cov_re
    assert (fitted.intercept, fitted.intake) == pytest.approx((fe[0], fe[1]), rel=1e-4)
    assert (fitted.log_session, fitted.intake_by_log_session) == pytest.approx(
        (fe[2], fe[3]), rel=1e-4
    )
    assert (fitted.re_intercept_var, fitted.re_slope_var, fitted.re_cov) == pytest.approx(
        (cov[0, 0], cov[1, 1], cov[0, 1]), rel=1e-3
    )
    assert fitted.residual_var == pytest.approx(direct.scale, rel=1e-4)


def test_it_builds_the_reference_by_the_settings_it_is_given() -> None:
    episodes = [
        episode(*[phq9(s, round(y)) for s, y in series]) for series in three_score_episodes(30)
    ]
    (fitted,) = reference_from_episodes(episodes).trajectories.values()
    assert fitted is not None and fitted.instrument == "phq-9"
    stricter = MonitoringConfig(trajectory_min_episodes=31)
    assert reference_from_episodes(episodes, stricter).trajectories == {"phq-9": None}
