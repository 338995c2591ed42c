"""Starting a session: the next session of the client's open episode.

A closed episode takes no new session: a returning client starts a new episode first
(`episodes.begin_episode`), whose sessions are numbered from 1 again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.audit.trail import record_for_client
from alliance.errors import DomainError

from ..models import Client, Episode, Session
from .caseload import refresh_attention
from .clients import open_episode


class SessionError(DomainError):
    """Codes: episode_closed."""


def start_session(*, client: Any, held_on: dt.date | None = None) -> Session:
    """The next session of the client's open episode. A client with no episode at all (a
    record from before every client had one) gets its first; a client whose episodes are all
    closed gets none: `SessionError` "episode_closed"."""
    today = held_on or timezone.localdate()
    with transaction.atomic():
        # One at a time per client: a discharge cannot slip between the check and the start.
        Client.objects.select_for_update().filter(pk=client.pk).first()
        episode = open_episode(client)
        if episode is None:
            if client.episodes.exists():
                raise SessionError(
                    "episode_closed",
                    "this client's episode is closed: start a new episode to see them again",
                )
            episode = Episode.objects.create(client=client, started_on=today)
        last = episode.sessions.order_by("-number").values_list("number", flat=True).first()
        session = Session.objects.create(episode=episode, number=(last or 0) + 1, held_on=today)
        record_for_client("create", session, client, fields=["number", "held_on"])
        refresh_attention([client.pk])  # the caseload shows the latest session's number
        return session
