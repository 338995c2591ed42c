"""Storing a filled form: score it, store it whole, recompute the episode's signals, all in
one transaction, or store nothing. Imports store many already-scored forms at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction

from alliance.audit.trail import appended_together, record_for_client
from alliance.errors import DomainError
from alliance.measures import Score, ScoringError, get_definition, score

from ..models import Administration, Episode, Session
from .signals import refresh_signals


class SubmissionError(DomainError):
    """A form that cannot be stored; `problems` names each item that needs an answer."""


def record_administration(
    *,
    session: Session,
    instrument: str,
    answers: Mapping[str, Any] | Iterable[tuple[str, Any]],
    submission_key: str | None = None,
    amends: Administration | None = None,
    reason: str = "",
    entered_by: Any = None,
    entered_from: str = "",
    refresh: bool = True,
) -> Administration:
    """Score and store one form, then refresh the episode's signals; return what is stored.

    A repeated `submission_key` (a double tap, a retry after a lost response) returns the
    administration already stored and stores nothing new. `refresh=False` leaves the
    signals to the caller, who stores several forms in one transaction and refreshes once.
    """
    if submission_key:
        existing = Administration.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    try:
        definition = get_definition(instrument)
        scored = score(instrument, answers)
    except ScoringError as exc:
        raise SubmissionError(exc.code, exc.message, exc.problems) from None
    if amends is not None:
        _check_amendment(amends, session, instrument, reason)
    try:
        # Inside the transaction, the audit entry joins the chain after the monitoring.
        with transaction.atomic(), appended_together():
            if amends is not None:
                _lock_for_amendment(amends)
            stored = Administration.objects.create(
                session=session,
                instrument=instrument,
                respondent=definition.respondent,
                score=scored.to_record(),
                total=float(scored.total),
                submission_key=submission_key or None,
                amends=amends,
                amendment_reason=reason.strip(),
                entered_by=entered_by,
                entered_from=entered_from,
            )
            record_for_client(
                "create", stored, session.episode.client, fields=["answers"],
                # The reason stays with the form: the trail holds no clinical text.
                detail=(f"amends form {amends.pk}" if amends
                        else "entered from paper" if entered_from == "paper" else ""),
            )  # fmt: skip
            if refresh:
                what = "corrected" if amends else "stored"
                refresh_signals(session.episode, because=f"{instrument} of session "
                                f"{session.number} {what}")  # fmt: skip
    except IntegrityError:
        # Two submissions with one key raced: the other one was stored first.
        if submission_key:
            return Administration.objects.get(submission_key=submission_key)
        if amends is not None:
            # Two corrections of one form raced past the lock (a database without row
            # locks): the other one was stored first.
            raise _already_amended() from None
        raise
    return stored


def _lock_for_amendment(amends: Administration) -> None:
    """Inside the storing transaction: lock the form being corrected and check again that
    nobody corrected it meanwhile, so that of corrections sent at once (a double click, two
    tabs) one is stored and the others are refused in words (PostgreSQL waits on the row
    lock; SQLite runs writing transactions one at a time)."""
    Administration.objects.select_for_update().filter(pk=amends.pk).values_list("pk").first()
    if Administration.objects.filter(amends=amends).exists():
        raise _already_amended()


def _already_amended() -> SubmissionError:
    return SubmissionError(
        "already_amended", "this form has been corrected already: correct the latest version"
    )


def _check_amendment(
    amends: Administration, session: Session, instrument: str, reason: str
) -> None:
    if amends.session_id != session.pk or amends.instrument != instrument:
        raise SubmissionError(
            "bad_amendment", "an amendment must be of the same form in the same session"
        )
    if not reason.strip():
        raise SubmissionError("no_reason", "say why the form is corrected")
    if len(reason.strip()) > 1000:
        raise SubmissionError("reason_too_long", "the reason is longer than 1000 characters")
    if Administration.objects.filter(amends=amends).exists():
        raise _already_amended()


def import_episode_forms(*, episode: Episode, forms: Iterable[tuple[int, Any, str, Score]]) -> int:
    """Store already-scored forms (session number, date, instrument, score) of one episode
    in one transaction and compute its signals once: for imports and the demo, where
    re-monitoring after every form would be wasted work."""
    with transaction.atomic(), appended_together():
        sessions: dict[int, Session] = {}
        stored = []
        for number, held_on, instrument, scored in forms:
            if number not in sessions:
                sessions[number] = Session.objects.create(
                    episode=episode, number=number, held_on=held_on
                )
            stored.append(
                Administration(
                    session=sessions[number],
                    instrument=instrument,
                    respondent=get_definition(instrument).respondent,
                    score=scored.to_record(),
                    total=float(scored.total),
                )
            )
        Administration.objects.bulk_create(stored)
        record_for_client("create", episode, episode.client, object_type="administrations",
                          detail=f"{len(stored)} forms imported")  # fmt: skip
        refresh_signals(episode, because="forms imported")
    return len(stored)
