"""Adding a client: a pseudonymous code and a first episode with the default measure plan."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.audit.trail import record_for_client

from ..models import Client, Episode, Membership, default_measure_plan

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


class ClientError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def add_client(
    *, clinician: Any, code: str, symptom_measures: str = "phq-9+gad-7",
    started_on: dt.date | None = None,
) -> Client:  # fmt: skip
    """Create a client of the clinician's organization with an open episode.

    `symptom_measures`: "phq-9+gad-7" (default) or "ors", given every session with the SRS.
    """
    code = code.strip()
    if not CODE.match(code):
        raise ClientError(
            "a client code is 1-40 letters, digits, '-', '_' or '.', with no names or spaces"
        )
    membership = Membership.objects.filter(user=clinician).select_related("organization").first()
    if membership is None:
        raise ClientError("you are not a member of an organization")
    plan = default_measure_plan()
    if symptom_measures == "ors":
        plan["every_session"] = ["srs", "ors"]
    elif symptom_measures != "phq-9+gad-7":
        raise ClientError("symptom measures are 'phq-9+gad-7' or 'ors'")
    try:
        with transaction.atomic():
            client = Client.objects.create(
                organization=membership.organization, clinician=clinician, code=code
            )
            episode = Episode.objects.create(
                client=client,
                started_on=started_on or timezone.localdate(),
                measure_plan=plan,
            )
            record_for_client("create", client, client, fields=["code"])
            record_for_client("create", episode, client, fields=["measure_plan", "started_on"])
    except IntegrityError:
        raise ClientError(f"the code {code!r} is already in use in this organization") from None
    return client


def open_episode(client: Client) -> Episode | None:
    """The client's current course of treatment: the latest episode not ended."""
    return client.episodes.filter(ended_on__isnull=True).order_by("-started_on", "-id").first()
