"""The demo organization: two clinicians with about 40 clients each (synthetic histories
with ruptures repaired and not, deteriorations and self-harm answers), a supervisor and an
admin, all with one password."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from alliance.synthetic import generate_caseload

from ..models import Client, Episode, Membership, Organization, Supervision
from .administrations import import_episode_forms

DEMO_USERS = (
    ("clinician1", Membership.Role.CLINICIAN),
    ("clinician2", Membership.Role.CLINICIAN),
    ("supervisor", Membership.Role.SUPERVISOR),
    ("admin", Membership.Role.ADMIN),
)


def create_demo(*, password: str, clients_per_clinician: int = 40, seed: int = 2026) -> int:
    """Create (or reset the passwords of) the demo organization; return its client count."""
    users = get_user_model()
    with transaction.atomic():
        organization, _ = Organization.objects.get_or_create(
            slug="demo", defaults={"name": "Demo clinic"}
        )
        accounts = {}
        for username, role in DEMO_USERS:
            user, _ = users.objects.get_or_create(username=username)
            user.set_password(password)
            user.is_staff = role == Membership.Role.ADMIN
            user.save()
            Membership.objects.update_or_create(
                organization=organization, user=user, defaults={"role": role}
            )
            accounts[username] = user
        for clinician in ("clinician1", "clinician2"):
            Supervision.objects.get_or_create(
                organization=organization,
                supervisor=accounts["supervisor"],
                supervisee=accounts[clinician],
            )
        if organization.clients.exists():
            return organization.clients.count()
        caseload = generate_caseload(2 * clients_per_clinician, seed=seed, clinicians=2)
        for index, scored in enumerate(caseload.episodes):
            clinician = accounts["clinician1" if index % 2 == 0 else "clinician2"]
            client = Client.objects.create(
                organization=organization, clinician=clinician, code=scored.client_id
            )
            first = scored.administrations[0]
            episode = Episode.objects.create(client=client, started_on=first.date)
            import_episode_forms(
                episode=episode,
                forms=((a.session, a.date, a.instrument, a.score) for a in scored),
            )
        return organization.clients.count()
