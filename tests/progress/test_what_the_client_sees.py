"""What the client is shown of their progress: their own SRS and symptom scores over time,
in plain words that follow each instrument's direction, corrected forms as corrected, and
nothing else: no other client, no notes, no signals, no clinician. Every view is one read
in the audit trail."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import (
    Administration,
    Client,
    Episode,
    Rupture,
    Session,
    SignalAcknowledgement,
    SignalRecord,
)
from alliance.care.services.administrations import record_administration
from alliance.care.services.sessions import start_session
from alliance.measures import get_definition
from alliance.progress import services
from alliance.progress.services import progress_for
from alliance.progress.sharing import create_progress_link, set_sharing

from ..cast import client_of, srs
from .conftest import anonymous, phq9_of

pytestmark = pytest.mark.django_db


def summaries(client: Client) -> dict[str, tuple[str, str]]:
    progress = progress_for(client)
    assert progress is not None
    return {m.abbreviation: (m.summary, m.meaning) for m in progress.instruments}


def test_it_speaks_of_each_instrument_in_its_own_direction(shared_client: Client) -> None:
    assert summaries(shared_client) == {
        "SRS": (
            "How the session felt to you: 38 of 40 on 23 March 2026, up from 34 at the start.",
            "Higher means the session felt more right for you.",
        ),
        "PHQ-9": (
            "Your PHQ-9 (mood) score: 9 of 27 on 23 March 2026 (the mild range), down from 17 "
            "at the start.",
            "Lower means fewer symptoms of low mood.",
        ),
        "GAD-7": (
            "Your GAD-7 (worry and anxiety) score: 6 of 21 on 23 March 2026 (the mild range), "
            "down from 12 at the start.",
            "Lower means fewer symptoms of worry.",
        ),
        "ORS": (
            "How life has been going for you (ORS): 28 of 40 on 23 March 2026, up from 19.2 "
            "at the start.",
            "Higher means things have been going better.",
        ),
    }


def test_the_direction_is_read_from_the_instrument_file(
    shared_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A PHQ-9 file that said higher is better would turn the sentence round.
    flipped = get_definition("phq-9").model_copy(update={"higher_is_better": True})
    monkeypatch.setattr(
        services,
        "get_definition",
        lambda name: flipped if name == "phq-9" else get_definition(name),
    )
    assert summaries(shared_client)["PHQ-9"][1] == "Higher means fewer symptoms of low mood."


def test_a_first_score_today_says_so_and_that_more_will_follow(clinician: User) -> None:
    client = client_of(clinician, "P-4")
    set_sharing(client=client, enabled=True, by=clinician)
    session = start_session(client=client, held_on=timezone.localdate())
    record_administration(session=session, instrument="srs", answers=srs(9.2))
    assert summaries(client) == {
        "SRS": (
            "How the session felt to you: 36.8 of 40 today. Your next scores will show how "
            "this changes.",
            "Higher means the session felt more right for you.",
        )
    }


def test_a_corrected_form_shows_its_corrected_score(shared_client: Client) -> None:
    session = Session.objects.get(episode__client=shared_client, number=3)
    original = Administration.objects.get(session=session, instrument="phq-9")
    record_administration(session=session, instrument="phq-9", answers=phq9_of(11),
                          amends=original, reason="typing slip")  # fmt: skip
    progress = progress_for(shared_client)
    assert progress is not None
    phq9 = next(m for m in progress.instruments if m.abbreviation == "PHQ-9")
    assert [p.total for p in phq9.points] == [17.0, 11.0]
    assert phq9.summary.startswith("Your PHQ-9 (mood) score: 11 of 27 on 23 March 2026")


def test_only_the_latest_course_of_treatment_is_shown(shared_client: Client) -> None:
    Episode.objects.filter(client=shared_client).update(ended_on=dt.date(2026, 4, 1))
    Episode.objects.create(client=shared_client, started_on=dt.date(2026, 6, 1))
    session = start_session(client=shared_client, held_on=dt.date(2026, 6, 8))
    record_administration(session=session, instrument="srs", answers=srs(7.5))
    progress = progress_for(shared_client)
    assert progress is not None
    assert [(m.abbreviation, [p.total for p in m.points]) for m in progress.instruments] == [
        ("SRS", [30.0])
    ]


def test_the_page_shows_the_clients_own_scores_and_nothing_else(
    shared_client: Client, progress_token: str, clinician: User
) -> None:
    # Another client of the same clinician, with scores of their own.
    client_of(clinician, "Q-2", [(1, "srs", srs(4.1)), (1, "phq-9", phq9_of(23))])
    signals = list(SignalRecord.objects.filter(episode__client=shared_client))
    assert signals  # the SRS at 34 of 40 raised an alliance concern
    episode = shared_client.episodes.get()
    SignalAcknowledgement.objects.create(
        episode=episode, session_number=1, kind=signals[0].kind,
        instrument=signals[0].instrument, action="discussed",
        note="Private note: talked about the rent arrears", recorded_by=clinician,
    )  # fmt: skip
    Rupture.objects.create(episode=episode, session_number=2, rupture_type="withdrawal",
                           noticed_via="in_session", recorded_by=clinician,
                           description="Went quiet when the brother came up")  # fmt: skip
    page = anonymous().get(f"/p/{progress_token}/").content.decode()
    shown = re.sub(r"\s+", " ", page)
    assert "How the session felt to you: 38 of 40" in shown
    assert "down from 17 at the start" in shown and "up from 19.2 at the start" in shown
    hidden = [
        "Q-2", "16.4", "23 of 27", "P-1", "clinician1", "rent arrears", "brother",
        "Rupture", "rupture", "signal", "Signal", "concern",
        *(s.explanation for s in signals), *(s.suggested_action for s in signals),
        *(s.label for s in signals),
    ]  # fmt: skip
    assert [text for text in hidden if text in page] == []
    # No form, button, navigation or script on the client's page.
    assert [tag for tag in ("<form", "<button", "<nav", "<script") if tag in page] == []


def test_each_view_is_one_read_in_the_audit_trail(
    shared_client: Client, progress_token: str
) -> None:
    reads = AuditEvent.objects.filter(action="read", client_id_at_time=shared_client.pk)
    phone = anonymous("198.51.100.20")
    phone.get(f"/p/{progress_token}/")
    phone.get(f"/p/{progress_token}/")
    assert (
        list(reads.values_list("detail", "user_id_at_time", "address"))
        == [
            ("progress shown to the client (progress link)", None, "198.51.100.20"),
        ]
        * 2
    )
    assert progress_for(shared_client) is not None
    assert reads.count() == 3
    assert reads.last().detail == "progress shown to the client (after the forms)"  # type: ignore[union-attr]


def test_with_sharing_off_nothing_is_read(clinician: User) -> None:
    client = client_of(clinician, "P-5", [(1, "srs", srs(9.0))])
    assert progress_for(client) is None
    assert not AuditEvent.objects.filter(action="read").exists()


def test_with_sharing_on_and_no_forms_the_client_is_told_there_is_nothing_yet(
    clinician: User,
) -> None:
    client = client_of(clinician, "P-6")
    set_sharing(client=client, enabled=True, by=clinician)
    progress = progress_for(client)
    assert progress is not None and progress.instruments == ()
    _link, token = create_progress_link(client=client, by=clinician)
    page = anonymous().get(f"/p/{token}/").content.decode()
    assert "There are no scores to show yet." in page
