"""The caseload's stored order is the order worked out from the signals themselves, on a
generated caseload, and it stays so as signals are acted on and sessions start."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.models import User
from django.db.models import Q

from alliance.care.models import Client, Episode, SignalRecord
from alliance.care.services.acknowledgements import acknowledge_signal
from alliance.care.services.administrations import import_episode_forms
from alliance.care.services.caseload import clinician_caseload
from alliance.care.services.sessions import start_session
from alliance.monitoring.priority import pressing_order
from alliance.synthetic_clinic import generate_clinic_caseload


def order_from_signals(user: User) -> list[str]:
    """The caseload's order computed from scratch: each client's pressing signals (of the
    latest session with forms, and safety signals not acted on), most pressing first."""
    signals = (
        SignalRecord.objects.in_force()
        .with_acknowledgement()
        .filter(episode__client__clinician=user)
        .filter(Q(current=True) | Q(severity="urgent", acknowledged=False))
        .select_related("episode__client")
    )
    pressing: dict[str, list[SignalRecord]] = defaultdict(list)
    for s in signals:
        if s.severity == "warning" or (s.severity == "urgent" and not s.acknowledged):
            pressing[s.episode.client.code].append(s)

    def key(code: str) -> tuple[object, ...]:
        found = sorted(pressing.get(code, []), key=pressing_order)
        return (pressing_order(found[0])[:2], code) if found else ((9, 0), code)

    codes = Client.objects.filter(clinician=user).values_list("code", flat=True)
    return sorted(codes, key=key)


def stored_order(user: User) -> list[str]:
    return [c.code for c in clinician_caseload(user)]


def test_the_stored_order_is_the_order_of_the_signals(clinician: User) -> None:
    caseload = generate_clinic_caseload(60, seed=3, sessions=8)
    organization = clinician.memberships.get().organization
    for scored in caseload.episodes:
        client = Client.objects.create(
            organization=organization, clinician=clinician, code=scored.client_id
        )
        episode = Episode.objects.create(client=client, started_on=scored.administrations[0].date)
        import_episode_forms(episode=episode, forms=[
            (a.session_number, a.date, a.instrument, a.score) for a in scored
        ])  # fmt: skip
    first = stored_order(clinician)
    assert len(first) == 60 and first == order_from_signals(clinician)
    heads = Client.objects.filter(clinician=clinician)
    assert heads.filter(attention=0).exists() and heads.filter(attention=1).exists()
    assert heads.filter(attention=2).exists()
    # Act on every safety signal, and start a new session for a third of the clients.
    urgent = SignalRecord.objects.filter(severity="urgent").select_related("episode__client")
    assert urgent.exists()
    for signal in urgent:
        acknowledge_signal(signal=signal, action="safety", note="assessed", user=clinician)
    for client in Client.objects.filter(clinician=clinician).order_by("code")[::3]:
        start_session(client=client)
    after = stored_order(clinician)
    assert after == order_from_signals(clinician) and after != first
    assert not Client.objects.filter(clinician=clinician, attention=0).exists()
    started = Client.objects.filter(clinician=clinician).order_by("code")[0]
    assert started.last_session == 9
