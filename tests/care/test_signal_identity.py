"""A signal keeps its identity when the episode's signals are recomputed: a note posted from a
page opened before the client sent another form is kept, and a signal that no longer holds is
retired with when and why, never deleted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Administration, Session, SignalAcknowledgement, SignalRecord
from alliance.care.services.administrations import record_administration

from ..cast import client_of, phq9, signed_in, srs

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(clinician: User) -> Session:
    # clinician1's client C-1, at session 1.
    episode = client_of(clinician, "C-1").episodes.get()
    return Session.objects.create(episode=episode, number=1, held_on=dt.date(2026, 3, 2))


def test_a_note_posted_after_the_client_sent_another_form_is_kept(session: Session) -> None:
    record_administration(session=session, instrument="phq-9", answers=phq9(1))
    signal = SignalRecord.objects.get(kind="self_harm_risk")
    browser = signed_in(session.episode.client.clinician)
    page = browser.get(f"/clients/{session.episode.client_id}/").content.decode()
    assert f"/signals/{signal.pk}/acknowledge/" in page
    # Meanwhile the client sends the SRS: the episode's signals are recomputed.
    record_administration(session=session, instrument="srs", answers=srs(8.0))
    assert SignalRecord.objects.filter(kind="alliance_concern").exists()
    note = "Asked directly: no plan, no intent; safety plan agreed."
    response = browser.post(
        f"/signals/{signal.pk}/acknowledge/", {"action": "safety", "note": note}
    )
    assert response.status_code == 302
    (kept,) = SignalAcknowledgement.objects.all()
    assert (kept.kind, kept.note) == ("self_harm_risk", note)
    assert SignalRecord.objects.get(pk=signal.pk).retired_at is None


def test_a_signal_that_no_longer_holds_is_retired_with_when_and_why(session: Session) -> None:
    mistaken = record_administration(session=session, instrument="srs", answers=srs(8.0))
    concern = SignalRecord.objects.get(kind="alliance_concern")
    browser = signed_in(session.episode.client.clinician)
    browser.post(f"/signals/{concern.pk}/acknowledge/", {"action": "discussed", "note": "ok"})
    corrected = record_administration(session=session, instrument="srs", answers=srs(9.5),
                                      amends=mistaken, reason="typed 8 for 9.5")  # fmt: skip
    retired = SignalRecord.objects.get(pk=concern.pk)
    assert retired.retired_at is not None and not retired.current
    assert retired.retired_reason == "srs of session 1 corrected"
    assert not SignalRecord.objects.in_force().filter(kind="alliance_concern").exists()
    assert SignalAcknowledgement.objects.get().note == "ok"  # what was recorded stays
    page = browser.get(f"/clients/{session.episode.client_id}/").content.decode()
    assert "Alliance concern" not in page
    # Corrected back: the same signal holds again, with its identity and its record.
    record_administration(session=session, instrument="srs", answers=srs(8.0),
                          amends=corrected, reason="the first entry was right")  # fmt: skip
    again = SignalRecord.objects.get(kind="alliance_concern")
    assert (again.pk, again.retired_at, again.retired_reason) == (concern.pk, None, "")
    assert Administration.objects.count() == 3


def test_a_recompute_changes_nothing_that_still_holds(session: Session) -> None:
    record_administration(session=session, instrument="srs", answers=srs(8.0))
    before: dict[str, Any] = {s.kind: (s.pk, s.computed_at) for s in SignalRecord.objects.all()}
    assert before
    record_administration(
        session=session, instrument="gad-7", answers={str(n): 0 for n in range(1, 8)}
    )
    after = {s.kind: (s.pk, s.computed_at) for s in SignalRecord.objects.in_force()}
    assert {kind: after[kind] for kind in before} == before
