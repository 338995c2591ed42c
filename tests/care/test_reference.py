"""The organization's expected-response reference: fitted from its own episodes, used by
not_on_track and drawn as the chart's expected band; none with too few episodes."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from alliance.care.models import CaseloadReference, Client, Episode, Organization, SignalRecord
from alliance.care.services.administrations import import_episode_forms
from alliance.care.services.chart import client_chart
from alliance.care.services.reference import expected_band, refit_organization_reference
from alliance.clinic.chart_spec import vega_spec
from alliance.monitoring.trajectory import reference_from_dict
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
        s.evidence["method"] for s in SignalRecord.objects.in_force().filter(kind="not_on_track")
    }
    assert methods == {"expected_trajectory"}
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
