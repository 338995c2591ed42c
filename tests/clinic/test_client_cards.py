"""The client page's cards written once in Python (`clinic.client_cards`): what people typed
is escaped as the template escaped it, a safety signal's form asks for a note, each card's
forms post to its own object with the page's one CSRF token, and a read-only member (a
supervisor) sees every card and no form."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template

from alliance.care.models import Client, SignalRecord
from alliance.care.services.acknowledgements import acknowledge_signal
from alliance.care.services.ruptures import record_outcome, record_repair_step, record_rupture
from alliance.clinic.client_cards import when_shown

from ..cast import client_of, phq9, signed_in, srs

pytestmark = pytest.mark.django_db

TYPED = '<script>alert("x")</script> & more'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"


@pytest.fixture
def typed_into(clinician: User) -> Client:
    """C-1: a drop at session 3, a self-harm answer at session 4, and markup typed into a
    rupture's description, a repair step's note, its outcome's note and a signal's note."""
    forms = [(n, "srs", srs(line)) for n, line in enumerate((9.5, 9.5, 7.0, 9.6), 1)]
    client = client_of(clinician, "C-1", [*forms, (4, "phq-9", phq9(2))])
    episode = client.episodes.get()
    rupture = record_rupture(episode=episode, session_number=3, rupture_type="withdrawal",
                             noticed_via="scores", description=TYPED, user=clinician)  # fmt: skip
    record_repair_step(rupture=rupture, step="noticed", session_number=3, note=TYPED,
                       user=clinician)  # fmt: skip
    record_outcome(rupture=rupture, outcome="partly", session_number=4, note=TYPED,
                   user=clinician)  # fmt: skip
    concern = SignalRecord.objects.in_force().get(episode=episode, kind="alliance_concern")
    acknowledge_signal(signal=concern, action="discussed", note=TYPED, user=clinician)
    return client


def test_what_people_typed_is_shown_escaped_everywhere(clinician: User, typed_into: Client) -> None:
    page = signed_in(clinician).get(f"/clients/{typed_into.pk}/").content.decode()
    assert "<script>alert" not in page
    ruptures = page[page.index('id="ruptures"') : page.index("<h2>Timeline")]
    timeline = page[page.index("<h2>Timeline") :]
    assert f"<p>{ESCAPED}</p>" in ruptures  # the description
    assert f"Noticed (session 3): {ESCAPED}</li>" in ruptures
    assert f"Partly resolved (session 4): {ESCAPED}</p>" in ruptures
    assert f"<strong>Rupture recorded: Withdrawal (the client moves away)</strong>. {ESCAPED}" in (
        timeline
    )
    assert f"Repair: Noticed: {ESCAPED}" in timeline
    assert f"Rupture of session 3: Partly resolved: {ESCAPED}</p>" in timeline
    assert f'<p class="record">✓ Discussed with the client: {ESCAPED} <span class="quiet">(' in (
        timeline
    )


def test_each_card_posts_to_its_own_object_and_a_safety_signal_asks_for_a_note(
    clinician: User, typed_into: Client
) -> None:
    page = signed_in(clinician).get(f"/clients/{typed_into.pk}/").content.decode()
    harm = SignalRecord.objects.in_force().get(episode__client=typed_into, kind="self_harm_risk")
    card = page[page.index(f'<div class="signal urgent" id="s{harm.pk}">') :].split("</div>")[0]
    assert f'<form method="post" action="/signals/{harm.pk}/acknowledge/" class="ack">' in card
    assert 'placeholder="Note (required)"' in card
    assert card.count('name="csrfmiddlewaretoken"') == 1
    # Acted on: the concern's card shows what was done and offers no form.
    concern = SignalRecord.objects.in_force().get(episode__client=typed_into,
                                                  kind="alliance_concern")  # fmt: skip
    acted = page[page.index(f'id="s{concern.pk}"') :].split("</div>")[0]
    assert "Discussed with the client" in acted and "<form" not in acted
    # The rupture: two steps left to record, the outcome set at "partly".
    rupture = typed_into.episodes.get().ruptures.get()
    card = page[page.index(f'<section class="card rupture" id="r{rupture.pk}">') :]
    card = card.split("</section>")[0]
    steps = re.search(r'<select name="step" aria-label="Repair step">(.*?)</select>', card)
    assert steps is not None
    assert re.findall(r'value="(\w+)"', steps.group(1)) == ["marked", "explored"]
    assert '<option value="partly" selected>Partly resolved</option>' in card
    assert re.findall(r'name="session_number" min="3" value="(\d+)"', card) == ["4", "4"]


def test_a_supervisor_sees_every_card_and_no_form(
    supervisor: User, clinician: User, typed_into: Client
) -> None:
    own = signed_in(clinician).get(f"/clients/{typed_into.pk}/").content.decode()
    read_only = signed_in(supervisor).get(f"/clients/{typed_into.pk}/").content.decode()
    cards = r'<div class="signal (\w+)" id="s(\d+)">'
    assert re.findall(cards, read_only) == re.findall(cards, own)
    assert read_only.count('<section class="card rupture"') == 1
    assert ESCAPED in read_only
    assert "<form" not in read_only[read_only.index('id="ruptures"') :]


def test_a_moment_is_written_as_the_date_filter_writes_it(settings: Any) -> None:
    settings.TIME_ZONE = "Pacific/Auckland"  # a day ahead of UTC: the local date is the one
    filter_written = Template('{{ moment|date:"j M Y H:i" }}')
    for moment in (dt.datetime(2026, 3, 7, 23, 5, tzinfo=dt.UTC),
                   dt.datetime(2026, 12, 31, 11, 59, tzinfo=dt.UTC)):  # fmt: skip
        assert when_shown(moment) == filter_written.render(Context({"moment": moment}))
    assert when_shown(dt.datetime(2026, 3, 7, 23, 5, tzinfo=dt.UTC)) == "8 Mar 2026 12:05"
