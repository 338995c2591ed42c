"""The organization's expected-response reference: fitted from its own episodes, stored,
and lent to the monitoring of each client (not_on_track) and to the chart's expected band.

Cross-fitted: the clients are split in two halves by a stable hash of their id, a reference
is fitted on each half, and each client gets the OTHER half's, so no client is monitored
against a model fitted with their own data (`alliance.analytics.cross_fit`). A reference
stored before the split (a single one) still loads and serves every client until the next
refit.

With too few episodes a measure has no model and monitoring uses its rule fallback; the
chart then draws no band.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from alliance.analytics.cross_fit import (
    cross_fitted_reference,
    reference_for,
    reference_from_data,
    reference_to_data,
)
from alliance.measures import Score
from alliance.monitoring import MonitoringConfig, ScoredAdministration, ScoredEpisode
from alliance.monitoring.config import SYMPTOM_INSTRUMENTS
from alliance.monitoring.trajectory import Reference

from ..models import Administration, CaseloadReference, Organization


def refit_organization_reference(organization: Organization) -> CaseloadReference:
    """Fit the cross-fitted reference from the organization's stored episodes and save it."""
    forms: dict[tuple[int, int], list[ScoredAdministration]] = defaultdict(list)
    rows = (
        Administration.objects.filter(
            session__episode__client__organization=organization, amended_by__isnull=True
        )
        .filter(instrument__in=[*SYMPTOM_INSTRUMENTS, "srs"])
        .order_by("session__episode", "session__number", "id")
        .values_list("session__episode__client", "session__episode", "session__number",
                     "instrument", "score", "respondent", "session__held_on")
    )  # fmt: skip
    for client_id, episode_id, number, instrument, record, respondent, held_on in rows:
        forms[client_id, episode_id].append(
            ScoredAdministration(
                number,
                instrument,
                Score.from_record(record),
                "therapist" if respondent == "therapist" else "client",
                held_on,
            )
        )
    # Split by the client's id (its primary key), the id `client_reference` is asked with:
    # all of a client's episodes fall in one half.
    episodes = [ScoredEpisode.of(str(client), series) for (client, _), series in forms.items()]
    reference = cross_fitted_reference(episodes)
    stored, _ = CaseloadReference.objects.update_or_create(
        organization=organization,
        defaults={"data": reference_to_data(reference), "episodes": len(episodes)},
    )
    return stored


def client_reference(client_id: int) -> Reference | None:
    """The reference the client is monitored against: the other half's model of their
    organization's (or a single stored reference, from before the split), if one has been
    fitted."""
    row = CaseloadReference.objects.filter(organization__clients=client_id).first()
    if row is None:
        return None
    return reference_for(reference_from_data(row.data), str(client_id))


def expected_band(
    reference: Reference | None, instrument: str, series: list[tuple[int, float]]
) -> list[dict[str, Any]]:
    """The expected score and its tolerance limits, session by session, for a client who
    started at `series[0]`: what the chart shades. Empty without a model."""
    trajectory = reference.trajectories.get(instrument) if reference else None
    if trajectory is None or not series:
        return []
    config = MonitoringConfig()
    first_session, intake = series[0]
    band = []
    for session, _total in series:
        expected, sd = trajectory.expected(intake, session - first_session + 1)
        margin = config.trajectory_z * sd
        band.append({"session": session, "measure": instrument.upper(),
                     "expected": round(expected, 2), "low": round(expected - margin, 2),
                     "high": round(expected + margin, 2)})  # fmt: skip
    return band
