"""Single-use links that open a session's forms on the client's phone (or behind the kiosk),
and storing everything a link's forms hold at once, or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.audit.trail import appended_together, record_for_client
from alliance.errors import DomainError, Problem
from alliance.measures import ScoringError, get_definition, score

from ..models import Administration, FormLink, Session
from .administrations import SubmissionError, record_administration
from .signals import refresh_signals

LINK_LIFETIME = dt.timedelta(hours=24)


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


class LinkUnusable(DomainError):
    """An unknown, expired, used or revoked link; `reason` (the code) says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, f"the link cannot be used: {reason}")
        self.reason = reason


def open_link(token: str) -> FormLink:
    link = FormLink.objects.select_related("session").filter(token_hash=token_hash(token)).first()
    return _usable(link)


def open_link_by_id(link_id: int) -> FormLink:
    """The link behind a kiosk, found by its id: the kiosk keeps the id in the clinician's
    browser session instead of the token, so the session table holds no key to the forms."""
    return _usable(FormLink.objects.select_related("session").filter(pk=link_id).first())


def _usable(link: FormLink | None) -> FormLink:
    if link is None:
        raise LinkUnusable("unknown")
    if link.revoked_at is not None:
        raise LinkUnusable("revoked")
    if link.used_at is not None:
        raise LinkUnusable("used")
    if link.expires_at <= timezone.now():
        raise LinkUnusable("expired")
    return link


def stored_at_session(session: Session, instruments: list[str]) -> list[str]:
    """Which of `instruments` already have a form stored at `session` (in any version)."""
    stored = set(
        Administration.objects.filter(session=session, instrument__in=instruments).values_list(
            "instrument", flat=True
        )
    )
    return [name for name in instruments if name in stored]


def submit_forms(*, token: str, forms: Mapping[str, Mapping[str, Any]]) -> list[Administration]:
    """Store every form of a link in one transaction and use the link up, or store nothing.

    Raises `SubmissionError` (with every problem, keyed "instrument item") or `LinkUnusable`.
    """
    with transaction.atomic():
        return _store_forms(open_link(token), forms)


def submit_forms_by_link_id(
    *, link_id: int, forms: Mapping[str, Mapping[str, Any]]
) -> list[Administration]:
    """`submit_forms` for the kiosk, which knows its link by id (see `open_link_by_id`)."""
    with transaction.atomic():
        return _store_forms(open_link_by_id(link_id), forms)


def _store_forms(link: FormLink, forms: Mapping[str, Mapping[str, Any]]) -> list[Administration]:
    """The body of `submit_forms`, inside its caller's transaction."""
    # Lock the link row so a double tap waits for the first submission, then finds
    # the link used.
    link = FormLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise LinkUnusable("used")
    # One set of forms per session: two links (or a link and the kiosk) of one session
    # queue on the session's row, and the second finds the forms stored.
    Session.objects.select_for_update().filter(pk=link.session_id).first()
    already = stored_at_session(link.session, link.instruments)
    if already:
        names = ", ".join(get_definition(name).name for name in already)
        raise SubmissionError(
            "already_stored",
            f"{names} already stored for session {link.session.number}: a correction "
            "is the way to change it",
            [Problem(name, f"{name}: already stored for this session", "already_stored")
             for name in already],
        )  # fmt: skip
    # Check every form before storing any, so the client sees all problems at once.
    problems: list[Problem] = []
    for instrument in link.instruments:
        answers = forms.get(instrument)
        if not answers:
            problems.append(Problem(instrument, f"{instrument}: the form was not filled in",
                                    "not_filled"))  # fmt: skip
            continue
        try:
            score(instrument, answers)
        except ScoringError as exc:
            problems += [Problem(f"{instrument} {p.item}", p.message, p.code)
                         for p in exc.problems]  # fmt: skip
    if problems:
        raise SubmissionError("invalid_form", problems[0].message, problems)
    # The audit entries join the chain after the monitoring, not before it: the chain's
    # head is locked from then until commit (see `appended_together`).
    with appended_together():
        stored = [
            record_administration(
                session=link.session, instrument=instrument, answers=forms[instrument],
                refresh=False,
            )
            for instrument in link.instruments
        ]  # fmt: skip
        refresh_signals(link.session.episode,
                        because=f"forms of session {link.session.number} stored")  # fmt: skip
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return stored
