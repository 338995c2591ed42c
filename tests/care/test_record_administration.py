"""Storing a filled form: whole or not at all, once per submission, never edited, with the
episode's signals recomputed in the same transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Administration, Episode, ImmutableError, Session, SignalRecord
from alliance.care.services.administrations import SubmissionError, record_administration

from ..cast import client_of, phq9

pytestmark = pytest.mark.django_db

SRS_FINE = {"1": 9.5, "2": 9.4, "3": 9.6, "4": 9.5}  # 38.0


@pytest.fixture
def episode(clinician: User) -> Episode:
    return client_of(clinician, "C-17", started_on=dt.date(2026, 1, 5)).episodes.get()


def session(episode: Episode, number: int) -> Session:
    return Session.objects.create(
        episode=episode, number=number, held_on=dt.date(2026, 1, 5) + dt.timedelta(weeks=number)
    )


def test_it_stores_the_form_with_its_score_and_the_signals(episode: Episode) -> None:
    first = record_administration(session=session(episode, 1), instrument="srs", answers=SRS_FINE)
    assert first.total == 38.0 and first.respondent == "client"
    assert first.score["answers"] == SRS_FINE
    assert SignalRecord.objects.in_force().filter(episode=episode).count() == 0
    record_administration(
        session=session(episode, 2), instrument="srs", answers={"1": 7, "2": 8, "3": 8, "4": 8}
    )
    kinds = set(
        SignalRecord.objects.in_force().filter(episode=episode).values_list("kind", flat=True)
    )
    assert {"alliance_concern", "alliance_drop", "possible_rupture"} <= kinds


def test_it_stores_nothing_for_an_incomplete_or_tampered_form(episode: Episode) -> None:
    s1 = session(episode, 1)
    for answers in ({"1": 9, "2": 9, "3": 9}, {"1": 9, "2": 9, "3": 9, "4": 10.5},
                    {"1": 9, "2": 9, "3": 9, "4": "<b>9</b>"}):  # fmt: skip
        with pytest.raises(SubmissionError) as caught:
            record_administration(session=s1, instrument="srs", answers=answers)
        assert caught.value.problems and caught.value.problems[0].item in ("3", "4")
    assert Administration.objects.count() == 0


def test_it_stores_a_double_submission_once(episode: Episode) -> None:
    s1 = session(episode, 1)
    first = record_administration(
        session=s1, instrument="srs", answers=SRS_FINE, submission_key="k-1"
    )
    again = record_administration(
        session=s1, instrument="srs", answers=SRS_FINE, submission_key="k-1"
    )
    assert again.pk == first.pk
    assert Administration.objects.count() == 1


def test_it_never_edits_or_deletes_an_administration(episode: Episode) -> None:
    stored = record_administration(session=session(episode, 1), instrument="srs", answers=SRS_FINE)
    stored.total = 40.0
    with pytest.raises(ImmutableError):
        stored.save()
    with pytest.raises(ImmutableError):
        stored.delete()
    assert Administration.objects.get(pk=stored.pk).total == 38.0


def test_it_monitors_the_amendment_instead_of_the_form_it_corrects(episode: Episode) -> None:
    s1, s2 = session(episode, 1), session(episode, 2)
    record_administration(session=s1, instrument="srs", answers=SRS_FINE)
    mistaken = record_administration(
        session=s2, instrument="srs", answers={"1": 5, "2": 5, "3": 5, "4": 5}
    )
    assert SignalRecord.objects.in_force().filter(episode=episode, kind="alliance_concern").exists()
    with pytest.raises(SubmissionError, match="say why"):
        record_administration(session=s2, instrument="srs", answers=SRS_FINE, amends=mistaken)
    with pytest.raises(SubmissionError, match="same form in the same session"):
        record_administration(session=s1, instrument="srs", answers=SRS_FINE, amends=mistaken,
                              reason="typed in wrong")  # fmt: skip
    corrected = record_administration(
        session=s2, instrument="srs", answers=SRS_FINE, amends=mistaken, reason="typed in wrong"
    )
    assert corrected.amends == mistaken and corrected.amendment_reason == "typed in wrong"
    with pytest.raises(SubmissionError, match="corrected already"):
        record_administration(session=s2, instrument="srs", answers=SRS_FINE, amends=mistaken,
                              reason="again")  # fmt: skip
    assert (
        not SignalRecord.objects.in_force()
        .filter(episode=episode, kind="alliance_concern")
        .exists()
    )
    assert Administration.objects.count() == 3  # the mistaken form is kept, not edited


def test_it_raises_the_urgent_signal_when_item_9_is_endorsed(episode: Episode) -> None:
    record_administration(session=session(episode, 1), instrument="phq-9", answers=phq9(1))
    (urgent,) = SignalRecord.objects.in_force().filter(episode=episode, severity="urgent")
    assert urgent.kind == "self_harm_risk" and urgent.evidence["item_9"] == 1
