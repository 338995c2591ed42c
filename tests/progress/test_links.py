"""A progress link: made by the client's clinician and shown once (text and QR code), kept
only as a hash, opening the client's page as often as they like until it expires or is
revoked; unknown links are refused, and so is an address that keeps guessing."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import Client
from alliance.progress.handover import FRESH_LINK
from alliance.progress.models import ProgressLink
from alliance.progress.sharing import LINK_LIFETIME
from alliance.web.guesses import GUESS_LIMIT

from ..cast import client_of, signed_in
from .conftest import anonymous, shown_token

pytestmark = pytest.mark.django_db


def test_a_new_link_is_shown_once_and_stored_only_as_a_hash(
    shared_client: Client, clinician: User
) -> None:
    browser = signed_in(clinician)
    made = browser.post(f"/clients/{shared_client.pk}/progress/links/")
    assert made.status_code == 302 and made["Location"] == f"/clients/{shared_client.pk}/#progress"
    page = browser.get(f"/clients/{shared_client.pk}/")
    token = shown_token(page)
    assert token is not None and len(token) == 43  # 32 random bytes, base64url
    text = page.content.decode()
    assert '<div class="qr"><svg' in text and "<title>Link to the client's progress</title>" in text
    assert "opens as often as they like for 30 days" in text
    link = ProgressLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.created_by == clinician and link.revoked_at is None
    assert abs(link.expires_at - link.created_at - LINK_LIFETIME) < dt.timedelta(seconds=5)
    row = ProgressLink.objects.filter(pk=link.pk).values().get()
    assert not [name for name, value in row.items() if token in str(value)]
    # Shown once: not on the next view, and no longer kept in the clinician's session.
    again = browser.get(f"/clients/{shared_client.pk}/")
    assert shown_token(again) is None and token not in again.content.decode()
    assert FRESH_LINK not in browser.session
    assert "Open progress links" in again.content.decode()
    created = AuditEvent.objects.get(object_type="progresslink", action="create")
    assert created.client_id_at_time == shared_client.pk and created.username == "clinician1"


def test_a_link_opens_the_page_as_often_as_the_client_likes_until_it_expires(
    progress_token: str,
) -> None:
    phone = anonymous()
    opened = [phone.get(f"/p/{progress_token}/").status_code for _ in range(3)]
    assert opened == [200, 200, 200]
    ProgressLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = phone.get(f"/p/{progress_token}/")
    assert expired.status_code == 410
    assert "This link has expired. Please ask your therapist for a new one." in (
        expired.content.decode()
    )


def test_the_clinician_revokes_a_link_and_it_opens_nothing(
    shared_client: Client, progress_token: str, clinician: User
) -> None:
    link = ProgressLink.objects.get()
    browser = signed_in(clinician)
    page = browser.get(f"/clients/{shared_client.pk}/").content.decode()
    assert f"/clients/{shared_client.pk}/progress/links/{link.pk}/revoke/" in page
    revoked = browser.post(f"/clients/{shared_client.pk}/progress/links/{link.pk}/revoke/")
    assert revoked.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    closed = anonymous().get(f"/p/{progress_token}/")
    assert closed.status_code == 410 and "This link has been withdrawn." in closed.content.decode()
    page = browser.get(f"/clients/{shared_client.pk}/").content.decode()
    assert "The progress link was revoked" in page and "Open progress links" not in page
    entry = AuditEvent.objects.get(object_type="progresslink", action="update")
    assert entry.fields == ["revoked_at"] and entry.username == "clinician1"


def test_a_link_of_another_client_cannot_be_revoked_through_this_one(
    shared_client: Client, progress_token: str, clinician: User
) -> None:
    other = client_of(clinician, "P-2")
    link = ProgressLink.objects.get()
    answer = signed_in(clinician).post(f"/clients/{other.pk}/progress/links/{link.pk}/revoke/")
    assert answer.status_code == 404
    assert ProgressLink.objects.get().revoked_at is None


def test_an_unknown_link_is_a_404_and_the_page_is_never_cached(progress_token: str) -> None:
    phone = anonymous()
    unknown = phone.get("/p/" + "x" * 43 + "/")
    assert unknown.status_code == 404
    assert "This link is not known." in unknown.content.decode()
    page = phone.get(f"/p/{progress_token}/")
    assert page.status_code == 200
    for answer in (unknown, page):  # loop checked: a literal tuple of two answers
        assert "no-store" in answer["Cache-Control"] and "max-age=0" in answer["Cache-Control"]
    # The page is for reading: nothing is posted to it.
    assert phone.post(f"/p/{progress_token}/").status_code == 405


def test_an_address_that_keeps_guessing_is_refused(progress_token: str) -> None:
    guesser = anonymous("192.0.2.66")
    statuses = {guesser.get(f"/p/guess{n}/").status_code for n in range(GUESS_LIMIT)}
    assert statuses == {404}
    # Past the limit a further guess is refused, and nothing is read.
    refused = guesser.get("/p/guess-once-more/")
    assert refused.status_code == 429
    assert "Too many links were tried" in refused.content.decode()
    assert not AuditEvent.objects.filter(detail__startswith="progress shown").exists()
    # A real link still opens from that address (guesses never block a client's page), and
    # another address is not affected.
    assert guesser.get(f"/p/{progress_token}/").status_code == 200
    assert anonymous("192.0.2.67").get("/p/guess-elsewhere/").status_code == 404


def test_a_link_cannot_be_made_while_sharing_is_off(clinician: User) -> None:
    client = client_of(clinician, "P-3")
    answer = signed_in(clinician).post(f"/clients/{client.pk}/progress/links/", follow=True)
    assert "Turn on sharing before making a progress link." in answer.content.decode()
    assert not ProgressLink.objects.exists()
    assert shown_token(answer) is None
