"""Closing the loop once: recording a rupture for a session settles that session's
possible_rupture signal, and the caseload flag follows."""

from __future__ import annotations

from django.contrib.auth.models import User

from alliance.care.models import Client, SignalAcknowledgement, SignalRecord
from alliance.care.services.ruptures import record_rupture

from ..cast import client_of, srs


def flagged(client: Client) -> list[str]:
    """What the caseload shows for the client: the headline and the others under it."""
    row = Client.objects.get(pk=client.pk)
    return [row.headline_kind, *row.also_kinds]


def test_recording_the_rupture_settles_the_signal_and_the_caseload(clinician: User) -> None:
    forms = [(1, "srs", srs(9.8)), (2, "srs", srs(9.7)), (3, "srs", srs(7.0))]
    client = client_of(clinician, "RL-1", forms)
    signal = SignalRecord.objects.in_force().get(kind="possible_rupture")
    assert signal.session_number == 3 and signal.severity == "warning"
    assert "possible_rupture" in flagged(client)
    record_rupture(episode=client.episodes.get(), session_number=3, rupture_type="withdrawal",
                   noticed_via="scores", user=clinician)  # fmt: skip
    ack = SignalAcknowledgement.objects.get(kind="possible_rupture")
    assert (ack.session_number, ack.action, ack.note) == (
        3,
        "discussed",
        "Rupture recorded (withdrawal)",
    )
    assert "possible_rupture" not in flagged(client)
    assert "alliance_concern" in flagged(client)  # the rest of the session still flagged
    # A second rupture at the same session records nothing more.
    record_rupture(episode=client.episodes.get(), session_number=3, rupture_type="unclear",
                   noticed_via="in_session", user=clinician)  # fmt: skip
    assert SignalAcknowledgement.objects.count() == 1


def test_a_rupture_at_another_session_leaves_the_signal_open(clinician: User) -> None:
    forms = [(1, "srs", srs(9.8)), (2, "srs", srs(9.7)), (3, "srs", srs(7.0))]
    client = client_of(clinician, "RL-2", forms)
    record_rupture(episode=client.episodes.get(), session_number=2, rupture_type="withdrawal",
                   noticed_via="scores", user=clinician)  # fmt: skip
    assert not SignalAcknowledgement.objects.exists()
    assert "possible_rupture" in flagged(client)
