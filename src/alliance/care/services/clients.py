"""Adding a client: a pseudonymous code and a first episode with the default measure plan."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.audit.trail import record_for_client
from alliance.errors import DomainError

from ..measure_plan import MeasurePlan
from ..models import Client, Episode, Organization

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


class ClientError(DomainError):
    """Codes: bad_code, not_a_member, bad_symptom_instruments, code_taken."""


def add_client(
    *, clinician: Any, organization: Organization | None, code: str,
    symptom_instruments: str = "phq-9+gad-7", started_on: dt.date | None = None,
) -> Client:  # fmt: skip
    """Create a client of the clinician in `organization` (the member's organization; None
    for someone who is not a member of one) with an open episode.

    `symptom_instruments`: "phq-9+gad-7" (default) or "ors", given every session with the SRS.
    """
    code = code.strip()
    if not CODE.match(code):
        raise ClientError(
            "bad_code",
            "a client code is 1-40 letters, digits, '-', '_' or '.', with no names or spaces",
        )
    if organization is None:
        raise ClientError("not_a_member", "you are not a member of an organization")
    if symptom_instruments not in ("phq-9+gad-7", "ors"):
        raise ClientError("bad_symptom_instruments", "symptom measures are 'phq-9+gad-7' or 'ors'")
    plan = MeasurePlan.default("ors" if symptom_instruments == "ors" else "phq-9+gad-7")
    try:
        with transaction.atomic():
            client = Client.objects.create(
                organization=organization, clinician=clinician, code=code
            )
            episode = Episode.objects.create(
                client=client,
                started_on=started_on or timezone.localdate(),
                measure_plan=plan,
            )
            record_for_client("create", client, client, fields=["code"])
            record_for_client("create", episode, client, fields=["measure_plan", "started_on"])
    except IntegrityError:
        raise ClientError(
            "code_taken", f"the code {code!r} is already in use in this organization"
        ) from None
    return client


def open_episode(client: Client) -> Episode | None:
    """The client's current course of treatment: the latest episode not ended."""
    return client.episodes.filter(ended_on__isnull=True).order_by("-started_on", "-id").first()


def current_episode(client: Client) -> Episode | None:
    """The episode the chart and the caseload show: the open one, else the latest ended (a
    discharged client's last course, until a new one begins)."""
    return open_episode(client) or client.episodes.order_by("-started_on", "-id").first()
