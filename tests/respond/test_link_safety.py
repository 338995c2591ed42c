"""Client links: withdrawn by the clinician, guessing refused, and the page gives nothing
away about the client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as Browser

from alliance.audit.models import AuditEvent
from alliance.care.models import Client, FormLink, Membership, Organization
from alliance.care.services.links import create_form_link
from alliance.care.services.sessions import start_session

from ..clinic.test_caseload_pages import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def link_and_token() -> tuple[FormLink, str]:
    organization = Organization.objects.create(name="Org", slug="org")
    user = get_user_model().objects.create_user("clinician1")
    Membership.objects.create(organization=organization, user=user, role="clinician")
    client = Client.objects.create(organization=organization, clinician=user, code="L-5")
    session = start_session(client=client, held_on=dt.date(2026, 3, 2))
    return create_form_link(session=session, instruments=["srs"])


def test_the_clinician_withdraws_a_link(link_and_token: tuple[FormLink, str]) -> None:
    link, token = link_and_token
    owner = signed_in(link.session.episode.client.clinician)
    page = owner.get(f"/sessions/{link.session_id}/").content.decode()
    assert f'action="/links/{link.pk}/revoke/"' in page
    other = signed_in(get_user_model().objects.create_user("clinician2"))
    assert other.post(f"/links/{link.pk}/revoke/").status_code == 404
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
    refused = guesser.get(f"/f/{token}/")  # even a real link, from that address, for now
    assert refused.status_code == 429 and "Too many links" in refused.content.decode()
    assert Browser(REMOTE_ADDR="198.51.100.8").get(f"/f/{token}/").status_code == 200
