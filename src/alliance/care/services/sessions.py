"""Starting a session: the next session of the client's open episode (or a new episode)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.audit.trail import record_for_client

from ..models import Episode, Session
from .caseload import refresh_attention
from .clients import open_episode


def start_session(*, client: Any, held_on: dt.date | None = None) -> Session:
    """The next session of the client's current episode (a new episode if none is open)."""
    today = held_on or timezone.localdate()
    with transaction.atomic():
        episode = open_episode(client)
        if episode is None:
            episode = Episode.objects.create(client=client, started_on=today)
        last = episode.sessions.order_by("-number").values_list("number", flat=True).first()
        session = Session.objects.create(episode=episode, number=(last or 0) + 1, held_on=today)
        record_for_client("create", session, client, fields=["number", "held_on"])
        refresh_attention([client.pk])  # the caseload shows the latest session's number
        return session
