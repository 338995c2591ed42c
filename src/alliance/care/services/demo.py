"""The demo organization: two clinicians with about 40 clients each (synthetic histories
with ruptures repaired and not, deteriorations and self-harm answers), a supervisor and an
admin, all with one password."""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from alliance.safety.models import CrisisResources
from alliance.synthetic import generate_caseload

from ..measure_plan import MeasurePlan
from ..models import (
    Client,
    Episode,
    Membership,
    Organization,
    SignalRecord,
    Supervision,
)
from .acknowledgements import acknowledge_signal
from .administrations import import_episode_forms
from .reference import refit_organization_reference
from .ruptures import MARKERS, record_outcome, record_repair_step, record_rupture
from .signals import refresh_all_signals

DEMO_USERS = (
    ("clinician1", Membership.Role.CLINICIAN),
    ("clinician2", Membership.Role.CLINICIAN),
    ("supervisor", Membership.Role.SUPERVISOR),
    ("admin", Membership.Role.ADMIN),
)


def foreign_records() -> str:
    """What the database holds besides the demo's own organization and logins, in words
    ("" when nothing): the demo must not relax sign-in on a database it did not create."""
    others = Organization.objects.exclude(slug="demo").count()
    names = {username for username, _role in DEMO_USERS}
    accounts = get_user_model().objects.exclude(username__in=names).count()
    found = []
    if others:
        found.append(f"{others} other organization{'s' if others != 1 else ''}")
    if accounts:
        found.append(f"{accounts} other account{'s' if accounts != 1 else ''}")
    return " and ".join(found)


def create_demo(*, password: str, clients_per_clinician: int = 40, seed: int = 2026) -> int:
    """Create (or reset the passwords of) the demo organization; return its client count."""
    organization, loaded = _create_demo(
        password=password, clients_per_clinician=clients_per_clinician, seed=seed
    )
    if loaded:
        update_planner_statistics()
    return organization.clients.count()


def update_planner_statistics() -> None:
    """ANALYZE, after bulk work has committed: the row counts and value distributions the
    query planner needs, which the first pages would otherwise be planned without
    (PostgreSQL's autovacuum catches up only later; SQLite never does by itself).

    The same statement on both databases. On SQLite a full ANALYZE rather than PRAGMA
    optimize: optimize (SQLite 3.40) analyzes only the tables this connection's own queries
    flagged, and after a bulk load on a fresh connection it analyzed nothing; a full ANALYZE
    of a 5,000-client file (108 MB) took 76 ms, while an analysis_limit, which would bound
    it, put the rows per key of the forms' indexes 177 times too low."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _create_demo(
    *, password: str, clients_per_clinician: int, seed: int
) -> tuple[Organization, bool]:
    """The demo organization, and whether its clients were loaded now."""
    users = get_user_model()
    with transaction.atomic():
        organization, _ = Organization.objects.get_or_create(
            slug="demo", defaults={"name": "Demo clinic"}
        )
        accounts: dict[str, Any] = {}
        for username, role in DEMO_USERS:
            user, _ = users.objects.get_or_create(username=username)
            user.set_password(password)
            user.is_staff = role == Membership.Role.ADMIN
            user.save()
            Membership.objects.update_or_create(
                organization=organization, user=user, defaults={"role": role}
            )
            accounts[username] = user
        # Sample crisis resources, marked as samples: a real clinic's admin sets its own.
        CrisisResources.objects.get_or_create(organization=organization, defaults=DEMO_CRISIS)
        for clinician in ("clinician1", "clinician2"):
            Supervision.objects.get_or_create(
                organization=organization,
                supervisor=accounts["supervisor"],
                supervisee=accounts[clinician],
            )
        if organization.clients.exists():
            return organization, False
        caseload = generate_caseload(2 * clients_per_clinician, seed=seed, clinicians=2)
        for index, scored in enumerate(caseload.episodes):
            clinician = accounts["clinician1" if index % 2 == 0 else "clinician2"]
            client = Client.objects.create(
                organization=organization, clinician=clinician, code=scored.client_id
            )
            first = scored.administrations[0]
            # The plan the history was filled under: an ORS client keeps the ORS (the
            # default plan would ask them for the PHQ-9 and GAD-7 from the next session).
            symptoms = caseload.truth[scored.client_id].symptom_instrument
            episode = Episode.objects.create(
                client=client,
                started_on=first.date or timezone.localdate(),
                measure_plan=MeasurePlan.default("ors" if symptoms == "ors" else "phq-9+gad-7"),
            )
            import_episode_forms(
                episode=episode,
                forms=((a.session_number, a.date, a.instrument, a.score) for a in scored),
            )
        # The clinic's expected-response reference, fitted from its own histories in two
        # halves (no client judged by a model fitted on their own data), then every signal
        # computed against it, as a nightly refit does.
        refit_organization_reference(organization)
        refresh_all_signals(organization)
        _record_clinical_work(organization)
        return organization, True


DEMO_CRISIS = {
    "message": (
        "This is the demo clinic's sample text. If you might act on thoughts of harming "
        "yourself, or you are in danger now, call the emergency number or go to the nearest "
        "emergency department. You can also call the crisis line below at any hour."
    ),
    "phones": [
        {"label": "Emergency (sample)", "number": "112"},
        {"label": "Crisis line, any hour (sample)", "number": "0800 000 0000"},
        {"label": "Demo clinic reception (sample)", "number": "+44 20 0000 0000"},
    ],
    "response_time": "within one working day",
    "duty_contact_email": "duty@demo.invalid",
    "escalate_after_minutes": 60,
}

DESCRIPTIONS = {
    "withdrawal": "Quieter than usual; agreed with everything and moved off the topic.",
    "confrontation": "Said the exercises were pointless and questioned the approach.",
    "unclear": "Something shifted after the homework review; hard to say what.",
}
REPAIR_NOTES = {
    "marked": "Named the change in the ratings together.",
    "explored": "Heard what had felt off; agreed a change.",
}


def _record_clinical_work(organization: Organization) -> None:
    """What the demo clinicians did about their signals: most score-suggested ruptures
    recorded with their type and markers, repaired ones with all three steps and a resolved
    outcome, unrepaired ones noticed and still open or unresolved; some alliance concerns
    discussed. Safety signals are left for the visitor to act on."""
    rng = random.Random(7)
    signals = SignalRecord.objects.in_force().filter(episode__client__organization=organization)
    for signal in signals.filter(kind="possible_rupture").select_related("episode__client"):
        if rng.random() < 0.25:
            continue  # not yet recorded: the score signal alone
        clinician = signal.episode.client.clinician
        kind = rng.choice(["withdrawal", "withdrawal", "confrontation", "unclear"])
        pool = [key for key, _ in MARKERS.get(kind, MARKERS["withdrawal"])]
        at = signal.session_number
        rupture = record_rupture(
            episode=signal.episode,
            session_number=at,
            rupture_type=kind,
            noticed_via=rng.choice(["scores", "scores", "in_session"]),
            markers=rng.sample(pool, 2),
            description=DESCRIPTIONS[kind],
            user=clinician,
        )
        record_repair_step(rupture=rupture, step="noticed", session_number=at, user=clinician)
        repaired_at = signal.evidence.get("repair_session")
        if repaired_at:
            for step, note in REPAIR_NOTES.items():
                record_repair_step(
                    rupture=rupture, step=step, session_number=repaired_at, note=note,
                    user=clinician,
                )  # fmt: skip
            record_outcome(
                rupture=rupture, outcome="resolved", session_number=repaired_at, user=clinician
            )
        elif rng.random() < 0.5:
            record_outcome(
                rupture=rupture, outcome="unresolved", session_number=at,
                note="Client did not want to talk about it.", user=clinician,
            )  # fmt: skip
    for signal in signals.filter(kind="alliance_concern").select_related("episode__client")[::3]:
        acknowledge_signal(
            signal=signal, action="discussed", user=signal.episode.client.clinician,
            note="Asked what would have made the session better.",
        )  # fmt: skip
