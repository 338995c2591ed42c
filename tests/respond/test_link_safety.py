"""Client links: withdrawn by the clinician, guessing refused, and the page gives nothing
away about the client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser

from alliance.audit.models import AuditEvent
from alliance.care.models import FormLink
from alliance.care.services.links import create_form_link
from alliance.care.services.sessions import start_session

from ..cast import client_of, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def link_and_token(clinician: User) -> tuple[FormLink, str]:
    client = client_of(clinician, "L-5")
    session = start_session(client=client, held_on=dt.date(2026, 3, 2))
    return create_form_link(session=session, instruments=["srs"])


def test_the_clinician_withdraws_a_link(
    link_and_token: tuple[FormLink, str],
    clinician: User,
    colleague: User,
    supervisor: User,
    outsider: User,
) -> None:
    link, token = link_and_token
    owner = signed_in(clinician)
    page = owner.get(f"/sessions/{link.session_id}/").content.decode()
    assert f'action="/links/{link.pk}/revoke/"' in page
    for someone in (colleague, supervisor, outsider):
        refused = signed_in(someone).post(f"/links/{link.pk}/revoke/")
        assert refused.status_code == 404, someone.username
    assert Browser().get(f"/f/{token}/").status_code == 200  # still open
    assert owner.post(f"/links/{link.pk}/revoke/").status_code == 302
    closed = Browser().get(f"/f/{token}/")
    assert closed.status_code == 410 and "withdrawn" in closed.content.decode()
    assert AuditEvent.objects.filter(object_type="formlink", fields=["revoked_at"]).exists()
    page = owner.get(f"/sessions/{link.session_id}/").content.decode()
    assert f'action="/links/{link.pk}/revoke/"' not in page


def test_guessing_links_is_refused_after_twenty_misses(
    link_and_token: tuple[FormLink, str],
) -> None:
    _link, token = link_and_token
    guesser = Browser(REMOTE_ADDR="198.51.100.7")
    for n in range(20):
        assert guesser.get(f"/f/guess-{n}/").status_code == 404
    refused = guesser.get("/f/guess-20/")
    assert refused.status_code == 429 and "Too many links" in refused.content.decode()
    # A real link still opens from that address (tests/respond/test_guessing_spares_links.py).
    assert guesser.get(f"/f/{token}/").status_code == 200
