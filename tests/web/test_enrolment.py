"""A new member enrols themselves: the admin's link opens a page where the member chooses
their own password, then sets up their second factor, and is signed in. The link works once,
for 72 hours, and only while it is the member's latest; only its hash is stored."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client as Browser
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.audit.models import AuditEvent
from alliance.enrol.models import Enrolment

from ..cast import signed_in

pytestmark = pytest.mark.django_db

CHOSEN = "my own chosen pass phrase"


def added(admin: User, username: str = "newcomer", email: str = "") -> tuple[Any, str]:
    """`username` added by the admin through the members page: the account and the link's
    path, read from the page the admin is shown."""
    page = signed_in(admin).post(
        "/members/", {"username": username, "role": "clinician", "email": email}
    )
    assert page.status_code == 200
    [url] = re.findall(
        r"<code>(http://testserver/enrol/[A-Za-z0-9_\-]+/)</code>", page.content.decode()
    )
    return get_user_model().objects.get(username=f"{username}@org"), url.removeprefix(
        "http://testserver"
    )


def current_code(user: Any) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.two_factor  # as in production: no page before the second factor
def test_a_new_member_chooses_a_password_sets_up_a_second_factor_and_is_signed_in(
    admin: User, settings: Any
) -> None:
    settings.RELAX_MFA = "demo"  # the admin adds the member without a factor of their own here
    member, link = added(admin)
    settings.RELAX_MFA = ""
    assert not member.has_usable_password()
    browser = Browser()
    page = browser.get(link).content.decode()
    assert "newcomer@org" in page and "Choose your password" in page
    chosen = browser.post(link, {"new_password1": CHOSEN, "new_password2": CHOSEN})
    assert chosen.status_code == 302 and chosen["Location"].startswith("/2fa/setup/")
    # Signed in with the password, and every page waits for the second factor.
    assert browser.get("/")["Location"].startswith("/2fa/setup/")
    setup = browser.get(chosen["Location"]).content.decode()
    assert "<svg" in setup and "Key:" in setup
    codes = browser.post("/2fa/setup/", {"token": current_code(member), "next": "/"})
    assert len(re.findall(r"<li><code>([a-z0-9]+)</code></li>", codes.content.decode())) == 10
    assert browser.get("/").status_code == 200  # signed in, with both factors
    member.refresh_from_db()
    assert member.check_password(CHOSEN)
    # The next sign-in is the ordinary one, with the password the member chose.
    again = Browser()
    assert again.post("/login/", {"username": "newcomer@org", "password": CHOSEN})["Location"]
    assert again.get("/")["Location"].startswith("/2fa/?next=/")
    entry = AuditEvent.objects.get(detail="enrolled: password chosen by the member")
    assert entry.username == "newcomer@org" and entry.fields == ["password", "second_factor"]


@pytest.mark.hashing  # the chosen password is hashed with the site's Argon2
def test_a_link_works_once(admin: User) -> None:
    member, link = added(admin)
    Browser().post(link, {"new_password1": CHOSEN, "new_password2": CHOSEN})
    for method in ("get", "post"):
        other = getattr(Browser(), method)(
            link,
            {
                "new_password1": "someone else's pass phrase",
                "new_password2": "someone else's pass phrase",
            },
        )
        assert other.status_code == 410 and "has been used already" in other.content.decode()
    member.refresh_from_db()
    assert member.check_password(CHOSEN) and member.password.startswith("argon2")


def test_an_expired_link_is_refused(admin: User) -> None:
    member, link = added(admin)
    enrolment = Enrolment.objects.get(user=member)
    assert enrolment.expires_at - timezone.now() > dt.timedelta(hours=71)
    Enrolment.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    refused = Browser().post(link, {"new_password1": CHOSEN, "new_password2": CHOSEN})
    assert refused.status_code == 410 and "has expired" in refused.content.decode()
    member.refresh_from_db()
    assert not member.has_usable_password()


def test_a_newer_link_or_a_deactivated_account_ends_a_link(admin: User) -> None:
    member, first = added(admin)
    browser = signed_in(admin)
    renewed = browser.post(f"/members/{member.pk}/enrolment/").content.decode()
    second = re.findall(r"/enrol/[A-Za-z0-9_\-]+/", renewed)[0]
    assert second != first
    assert Browser().get(first).status_code == 410
    assert Browser().get(second).status_code == 200
    browser.post(f"/members/{member.pk}/active/", {"active": "0", "confirm": "yes"})
    refused = Browser().post(second, {"new_password1": CHOSEN, "new_password2": CHOSEN})
    assert refused.status_code == 410 and "deactivated" in refused.content.decode()
    # Reactivating the account does not revive the link: a new one is made for it.
    browser.post(f"/members/{member.pk}/active/", {"active": "1"})
    assert Browser().get(second).status_code == 410


def test_a_weak_or_mistyped_password_is_refused_and_the_link_still_works(admin: User) -> None:
    member, link = added(admin)
    browser = Browser()
    weak = browser.post(link, {"new_password1": "newcomer", "new_password2": "newcomer"})
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    mistyped = browser.post(link, {"new_password1": CHOSEN, "new_password2": CHOSEN + "!"})
    assert mistyped.status_code == 200 and "two password fields didn" in mistyped.content.decode()
    member.refresh_from_db()
    assert not member.has_usable_password()
    assert browser.post(link, {"new_password1": CHOSEN, "new_password2": CHOSEN}).status_code == 302


def test_a_link_that_still_works_never_reaches_the_log(
    admin: User, caplog: pytest.LogCaptureFixture
) -> None:
    # Django logs every 4xx answer with its path; a refused password must not log the link.
    _member, link = added(admin)
    browser = Browser()
    browser.get(link)
    browser.post(link, {"new_password1": "short", "new_password2": "short"})
    browser.post(link, {"new_password1": CHOSEN, "new_password2": "another"})
    assert link.split("/")[2] not in caplog.text


def test_an_unknown_link_is_a_404_and_only_the_tokens_hash_is_stored(admin: User) -> None:
    _member, link = added(admin)
    token = link.split("/")[2]
    stored = Enrolment.objects.get()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    unknown = Browser().get("/enrol/" + "x" * 43 + "/")
    assert unknown.status_code == 404 and "not known" in unknown.content.decode()


def test_the_link_is_emailed_when_the_member_has_an_address(admin: User) -> None:
    member, link = added(admin, email="newcomer@example.org")
    [message] = mail.outbox
    assert message.to == ["newcomer@example.org"] and "newcomer@org" in message.body
    assert "http://localhost:8000" + link in message.body
    assert member.email == "newcomer@example.org"
    assert AuditEvent.objects.filter(detail="enrolment email sent").count() == 1


def test_an_email_that_cannot_be_sent_leaves_the_link_to_give_by_hand(
    admin: User, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "tests.web.test_enrolment.FailingBackend"
    page = signed_in(admin).post(
        "/members/", {"username": "newcomer", "role": "clinician", "email": "n@example.org"}
    )
    text = page.content.decode()
    assert "could not be sent" in text and re.search(r"/enrol/[A-Za-z0-9_\-]{40,}/", text)
    assert AuditEvent.objects.filter(detail="enrolment email not sent").count() == 1


class FailingBackend:
    """An email backend whose server does not answer."""

    def __init__(self, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("the mail server does not answer")
