"""The client's side of a session: which measures are due, links to fill them, and storing
a whole submission at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.audit.trail import record_for_client
from alliance.measures import ScoringError, get_definition, score

from ..models import Administration, FormLink, Session
from .administrations import SubmissionError, record_administration, refresh_signals
from .clients import open_episode

LINK_LIFETIME = dt.timedelta(hours=24)


def due_measures(session: Session, respondent: str = "client") -> list[str]:
    """The measures `respondent` fills at this session under the episode's plan."""
    return due_forms(session)[respondent]


def due_forms(session: Session) -> dict[str, list[str]]:
    """The measures due at this session under the episode's plan, by respondent (client,
    therapist): every-session measures, and windowed ones (WAI-SR at 3-4 and 8-10) not yet
    given in their window (given earlier in this very session still counts as due, so the
    page keeps showing what the session's forms were)."""
    plan = session.episode.measure_plan
    given = set(
        Administration.objects.filter(session__episode=session.episode).values_list(
            "instrument", "session__number"
        )
    )
    due = list(plan.get("every_session", []))
    for window in plan.get("windows", []):
        name, low, high = window["instrument"], window["from"], window["to"]
        if not low <= session.number <= high:
            continue
        if any(i == name and low <= n < session.number for i, n in given):
            continue
        if name not in due:
            due.append(name)
    by_respondent: dict[str, list[str]] = {"client": [], "therapist": []}
    for name in due:
        by_respondent[get_definition(name).respondent].append(name)
    return by_respondent


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_form_link(*, session: Session, instruments: list[str]) -> tuple[FormLink, str]:
    """A new link for `instruments`; returns it with the token (shown once, never stored)."""
    token = secrets.token_urlsafe(32)  # 256 bits
    with transaction.atomic():
        link = FormLink.objects.create(
            session=session,
            token_hash=token_hash(token),
            instruments=instruments,
            expires_at=timezone.now() + LINK_LIFETIME,
        )
        record_for_client("create", link, session.episode.client,
                          fields=["instruments", "expires_at"])  # fmt: skip
    return link, token


def revoke_link(*, link: FormLink) -> FormLink:
    """Withdraw a link not yet used (given to the wrong person, or no longer wanted)."""
    with transaction.atomic():
        link = FormLink.objects.select_for_update().get(pk=link.pk)
        if link.used_at is None and link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            record_for_client("update", link, link.session.episode.client, fields=["revoked_at"])
    return link


def open_links(session: Session) -> list[FormLink]:
    """The session's links that could still be used."""
    return list(
        session.links.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("created_at")
    )


class LinkUnusable(Exception):
    """An unknown, expired, used or revoked link; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def open_link(token: str) -> FormLink:
    link = FormLink.objects.select_related("session").filter(token_hash=token_hash(token)).first()
    if link is None:
        raise LinkUnusable("unknown")
    if link.revoked_at is not None:
        raise LinkUnusable("revoked")
    if link.used_at is not None:
        raise LinkUnusable("used")
    if link.expires_at <= timezone.now():
        raise LinkUnusable("expired")
    return link


def submit_forms(*, token: str, forms: Mapping[str, Mapping[str, Any]]) -> list[Administration]:
    """Store every form of a link in one transaction and use the link up, or store nothing.

    Raises `SubmissionError` (with every problem, keyed "instrument item") or `LinkUnusable`.
    """
    with transaction.atomic():
        link = open_link(token)
        # Lock the link row so a double tap waits for the first submission, then finds
        # the link used.
        link = FormLink.objects.select_for_update().get(pk=link.pk)
        if link.used_at is not None:
            raise LinkUnusable("used")
        # Check every form before storing any, so the client sees all problems at once.
        problems: list[tuple[str | None, str]] = []
        for instrument in link.instruments:
            answers = forms.get(instrument)
            if not answers:
                problems.append((instrument, f"{instrument}: the form was not filled in"))
                continue
            try:
                score(instrument, answers)
            except ScoringError as exc:
                problems += [(f"{instrument} {p.item}", p.message) for p in exc.problems]
        if problems:
            raise SubmissionError("invalid_form", problems[0][1], problems)
        stored = [
            record_administration(
                session=link.session, instrument=instrument, answers=forms[instrument],
                refresh=False,
            )
            for instrument in link.instruments
        ]  # fmt: skip
        refresh_signals(link.session.episode)
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return stored


def start_session(*, client: Any, held_on: dt.date | None = None) -> Session:
    """The next session of the client's current episode (a new episode if none is open)."""
    from ..models import Episode

    today = held_on or timezone.localdate()
    with transaction.atomic():
        episode = open_episode(client)
        if episode is None:
            episode = Episode.objects.create(client=client, started_on=today)
        last = episode.sessions.order_by("-number").values_list("number", flat=True).first()
        session = Session.objects.create(episode=episode, number=(last or 0) + 1, held_on=today)
        record_for_client("create", session, client, fields=["number", "held_on"])
        return session


def session_feedback(session: Session) -> dict[str, Any]:
    """What the clinician sees the moment the client has submitted: the scores of this
    session's forms and the signals raised for it."""
    forms = [
        {
            "instrument": a.instrument,
            "total": a.total,
            "band": a.score["band"],
            "flags": a.score["flags"],
            "lowest_items": a.score["lowest_items"],
        }
        for a in session.administrations.filter(amended_by__isnull=True).order_by("id")
    ]
    signals = [
        {
            "kind": s.kind,
            "label": s.label,
            "severity": s.severity,
            "instrument": s.instrument,
            "explanation": s.explanation,
            "suggested_action": s.suggested_action,
        }
        for s in session.episode.signals.filter(session_number=session.number)
    ]
    signals.sort(key=lambda s: {"urgent": 0, "warning": 1, "info": 2}[s["severity"]])
    return {"session": session.number, "forms": forms, "signals": signals}
