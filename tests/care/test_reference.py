"""The organization's expected-response reference: fitted from its own episodes, one model per
half of the clients, each client monitored (and charted) with the other half's so that their
own data never judges them; used by not_on_track and drawn as the chart's expected band; none
with too few episodes; a single reference stored before the split still serves everyone."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from alliance.analytics.cross_fit import half_of
from alliance.care.models import CaseloadReference, Client, Episode, Organization, SignalRecord
from alliance.care.services.administrations import import_episode_forms
from alliance.care.services.chart import client_chart
from alliance.care.services.reference import (
    client_reference,
    expected_band,
    refit_organization_reference,
)
from alliance.care.services.signals import refresh_signals
from alliance.clinic.chart_spec import vega_spec
from alliance.measures import score
from alliance.monitoring.trajectory import (
    reference_from_dict,
    reference_from_episodes,
    reference_to_dict,
)
from alliance.synthetic import generate_caseload

pytestmark = pytest.mark.django_db


def organization_with(clients: int, clinician: User) -> Organization:
    """The clinician's organization with `clients` synthetic courses, all the clinician's."""
    organization: Organization = clinician.memberships.get().organization
    for scored in generate_caseload(clients, seed=3, clinicians=1).episodes:
        client = Client.objects.create(organization=organization, clinician=clinician,
                                       code=scored.client_id)  # fmt: skip
        episode = Episode.objects.create(client=client, started_on=scored.administrations[0].date)
        forms = ((a.session_number, a.date, a.instrument, a.score) for a in scored)
        import_episode_forms(episode=episode, forms=forms)
    return organization


def test_a_fitted_reference_drives_not_on_track_and_the_band(clinician: User) -> None:
    organization = organization_with(120, clinician)
    methods = {
        s.evidence["method"] for s in SignalRecord.objects.in_force().filter(kind="not_on_track")
    }
    assert methods == {"rule_fallback"}  # no reference yet
    out = io.StringIO()
    call_command("refit_reference", stdout=out)
    assert "org: reference from 120 episodes; expected trajectories for " in out.getvalue()
    reference = reference_from_dict(CaseloadReference.objects.get(organization=organization).data)
    assert reference.trajectories["phq-9"] is not None and reference.pooled_srs_sd
    methods = {
        (s.instrument, s.evidence["method"])
        for s in SignalRecord.objects.in_force().filter(kind="not_on_track")
    }
    # Each half holds about 45 PHQ-9 and GAD-7 courses (a model each) but only about 15 ORS
    # courses: below the 30 a model needs, so the ORS keeps its rule fallback.
    assert methods == {("phq-9", "expected_trajectory"), ("gad-7", "expected_trajectory"),
                       ("ors", "rule_fallback")}  # fmt: skip
    client = Client.objects.filter(episodes__sessions__administrations__instrument="phq-9").first()
    assert client is not None
    chart = client_chart(client)
    bands = chart.expected_bands
    phq = [b for b in bands if b["measure"] == "PHQ-9"]
    sessions = [r.session_number for r in chart.rows if "phq-9" in r.totals]
    assert phq and [b["session"] for b in phq] == sessions
    assert all(b["low"] < b["expected"] < b["high"] for b in phq)
    area = vega_spec(chart)["vconcat"][1]
    assert area["layer"][0]["data"]["values"] == bands and "shaded" in area["title"]["subtitle"]


def test_with_too_few_episodes_there_is_no_model_and_no_band(clinician: User) -> None:
    organization = organization_with(8, clinician)
    stored = refit_organization_reference(organization)
    reference = reference_from_dict(stored.data)
    assert all(t is None for t in reference.trajectories.values())
    assert expected_band(reference, "phq-9", [(1, 15.0), (2, 12.0)]) == []
    assert expected_band(None, "phq-9", [(1, 15.0)]) == []


def test_the_command_names_an_unknown_organization() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no organization 'nowhere'"):
        call_command("refit_reference", organization="nowhere")


def add_phq9(episode: Episode, totals: dict[int, int]) -> None:
    """PHQ-9 forms of the given totals at the given session numbers (item 9 unanswered: 0)."""
    forms = []
    for number, total in totals.items():
        answers, left = {}, total
        for item in range(1, 10):
            answers[str(item)] = min(3, left) if item < 9 else 0
            left -= answers[str(item)]
        forms.append((number, dt.date(2026, 1, 5) + dt.timedelta(weeks=number), "phq-9",
                      score("phq-9", answers)))  # fmt: skip
    import_episode_forms(episode=episode, forms=forms)


def test_a_clients_own_data_never_enters_the_model_they_are_monitored_with(
    clinician: User,
) -> None:
    organization = organization_with(120, clinician)
    planted = Client.objects.create(organization=organization, clinician=clinician, code="X")
    episode = Episode.objects.create(client=planted, started_on=dt.date(2026, 1, 5))
    add_phq9(episode, {1: 10, 2: 24, 3: 24, 4: 24})  # far worse than any expected response
    others = Client.objects.filter(organization=organization).exclude(pk=planted.pk)
    same_half = next(c for c in others if half_of(str(c.pk)) == half_of(str(planted.pk)))
    other_half = next(c for c in others if half_of(str(c.pk)) != half_of(str(planted.pk)))
    stored = refit_organization_reference(organization)
    assert stored.data["split"] == "sha256(client_id) parity" and len(stored.data["halves"]) == 2
    before = {c.pk: client_reference(c.pk) for c in (planted, same_half, other_half)}
    assert before[planted.pk] == before[same_half.pk]  # the other half's model, for both
    add_phq9(episode, {5: 27, 6: 27, 7: 27, 8: 27})  # the planted client's data changes
    refit_organization_reference(organization)
    used = client_reference(planted.pk)
    assert used == before[planted.pk] and used is not None
    assert used.trajectories["phq-9"] is not None
    # Its data went into the model of the other half's clients, which changed.
    assert client_reference(other_half.pk) != before[other_half.pk]
    # Its signals were computed against that model: the other half's episodes.
    refresh_signals(episode)
    flagged = SignalRecord.objects.in_force().filter(episode=episode, kind="not_on_track")
    assert flagged.exists()
    assert {s.evidence["reference_episodes"] for s in flagged} == {
        used.trajectories["phq-9"].episodes
    }


def test_a_single_reference_stored_before_the_split_still_serves_every_client(
    clinician: User,
) -> None:
    organization = organization_with(4, clinician)
    single = reference_from_episodes(generate_caseload(70, seed=9).episodes)
    CaseloadReference.objects.create(organization=organization, data=reference_to_dict(single),
                                     episodes=70)  # fmt: skip
    first, second = (c.pk for c in organization.clients.order_by("pk")[:2])
    assert client_reference(first) == client_reference(second) == single
