"""Episodes end and begin: closing a course of treatment (discharge) and starting a new one
for a returning client.

Closing sets the episode's `ended_on`; from then on no session starts on it
(`sessions.start_session` refuses), its unused form links are withdrawn, and its outcome
stays readable (`episode_summary`). It is refused while a safety answer of the episode has no
note of what was done: closing must not be the way a safety answer stops being seen.

A new episode has a new measure plan and numbers its sessions from 1 again; the caseload and
the chart follow the current episode.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from alliance.audit.trail import record_for_client
from alliance.errors import DomainError

from ..measure_plan import MeasurePlan
from ..models import (
    Client,
    Episode,
    FormLink,
    HeldSelfHarmAnswer,
    Session,
    SignalAcknowledgement,
    SignalRecord,
)
from .caseload import refresh_attention
from .clients import open_episode


class EpisodeError(DomainError):
    """Codes: not_yours, no_open_episode, episode_open, safety_not_acted_on, bad_end_date,
    bad_start_date, bad_symptom_instruments."""


def close_episode(*, client: Client, user: Any, ended_on: dt.date | None = None) -> Episode:
    """Discharge: end the client's open episode on `ended_on` (today when not given)."""
    _check_owner(client, user)
    today = timezone.localdate()
    ended_on = ended_on or today
    with transaction.atomic():
        Client.objects.select_for_update().filter(pk=client.pk).first()
        episode = open_episode(client)
        if episode is None:
            raise EpisodeError("no_open_episode", "this client has no open episode to close")
        last_held = episode.sessions.order_by("-held_on").values_list("held_on", flat=True).first()
        earliest = max(episode.started_on, last_held or episode.started_on)
        if ended_on > today or ended_on < earliest:
            raise EpisodeError(
                "bad_end_date",
                f"the end date must be between {earliest:%d %b %Y} (the episode's "
                f"{'last session' if last_held else 'start'}) and today",
            )
        unacted = unacted_safety_sessions(episode)
        if unacted:
            sessions = ", ".join(str(n) for n in unacted)
            raise EpisodeError(
                "safety_not_acted_on",
                f"a safety answer at session {sessions} has no note of what was done: record "
                "it on the client's page before closing the episode",
            )
        episode.ended_on = ended_on
        episode.save(update_fields=["ended_on"])
        record_for_client("update", episode, client, fields=["ended_on"], detail="discharge")
        _withdraw_links(episode, client)
        refresh_attention([client.pk])
    return episode


def begin_episode(
    *, client: Client, user: Any, symptom_instruments: str = "phq-9+gad-7",
    started_on: dt.date | None = None,
) -> Episode:  # fmt: skip
    """A new episode for a returning client, with the default plan for `symptom_instruments`
    ("phq-9+gad-7" or "ors"); refused while an episode is open."""
    _check_owner(client, user)
    if symptom_instruments not in ("phq-9+gad-7", "ors"):
        raise EpisodeError("bad_symptom_instruments", "symptom measures are 'phq-9+gad-7' or 'ors'")
    started_on = started_on or timezone.localdate()
    with transaction.atomic():
        # One at a time per client: two starts at once make one episode, not two.
        Client.objects.select_for_update().filter(pk=client.pk).first()
        if open_episode(client) is not None:
            raise EpisodeError(
                "episode_open",
                "this client's episode is still open: close it (discharge) before starting "
                "a new one",
            )
        ended = client.episodes.order_by("-ended_on").values_list("ended_on", flat=True).first()
        if ended is not None and started_on < ended:
            raise EpisodeError(
                "bad_start_date", f"a new episode starts after the last ended ({ended:%d %b %Y})"
            )
        episode = Episode.objects.create(
            client=client, started_on=started_on,
            measure_plan=MeasurePlan.default("ors" if symptom_instruments == "ors"
                                             else "phq-9+gad-7"),
        )  # fmt: skip
        record_for_client("create", episode, client, fields=["measure_plan", "started_on"])
        refresh_attention([client.pk])
    return episode


def unacted_safety_sessions(episode: Episode) -> list[int]:
    """The sessions of the episode with a safety signal, or a self-harm answer held from a
    refused form, that no note answers yet."""
    signals = (
        SignalRecord.objects.in_force()
        .with_acknowledgement()
        # A Q: the stubs' plugin does not see the annotation as a field.
        .filter(Q(acknowledged=False), episode=episode, severity="urgent")
        .values_list("session_number", flat=True)
    )
    acted_on = SignalAcknowledgement.objects.filter(
        episode=episode, session_number=OuterRef("session__number"), kind="self_harm_risk"
    )
    held = (
        HeldSelfHarmAnswer.objects.filter(session__episode=episode)
        .exclude(Exists(acted_on))
        .values_list("session__number", flat=True)
    )
    return sorted({*signals, *held})


def _withdraw_links(episode: Episode, client: Client) -> None:
    # A link handed out before the discharge would otherwise add forms to a closed course.
    unused = FormLink.objects.filter(
        session__in=Session.objects.filter(episode=episode),
        used_at__isnull=True,
        revoked_at__isnull=True,
    )
    now = timezone.now()
    for link in unused.select_for_update():
        link.revoked_at = now
        link.save(update_fields=["revoked_at"])
        record_for_client("update", link, client, fields=["revoked_at"], detail="discharge")


def _check_owner(client: Client, user: Any) -> None:
    # Views reach the client through the owner already; a service called from elsewhere
    # must not let anyone else end or begin a course of treatment.
    if client.clinician_id != getattr(user, "pk", None):
        raise EpisodeError("not_yours", "only the client's clinician opens or closes an episode")
