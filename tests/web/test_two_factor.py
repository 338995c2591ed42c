"""Two-factor sign-in: required for every account by default, set up once with an
authenticator app (recovery codes shown once), checked at every sign-in; failed sign-ins
lock out with a clear message."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client as Browser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.audit.models import AuditEvent

from ..cast import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]


def signed_in_with_password() -> Browser:
    # Through the sign-in page, as clinician1 would: the second factor comes after it.
    browser = Browser()
    response = browser.post("/login/", {"username": "clinician1", "password": PASSWORD})
    assert response.status_code == 302
    return browser


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                drift=drift)  # fmt: skip
    return f"{code:06d}"


def after_throttle() -> None:
    # django-otp delays the next try after a wrong code (1 s, doubling): wait it out.
    time.sleep(1.1)


USED: list[str] = []  # the authenticator codes already taken, for the replay check


def set_up(browser: Browser) -> list[str]:
    page = browser.get("/2fa/setup/").content.decode()
    assert "<svg" in page and "Key:" in page
    device = TOTPDevice.objects.get()
    USED.append(code_for(device))
    done = browser.post("/2fa/setup/", {"token": USED[-1], "next": "/"})
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())


def test_every_page_waits_for_the_second_factor(clinician: User) -> None:
    browser = signed_in_with_password()
    for path in ("/", "/clients/1/", "/audit/", "/sessions/1/status/"):
        response = browser.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/2fa/setup/")
    assert browser.get("/health/").status_code == 200


def test_set_up_then_sign_in_with_a_code_or_a_recovery_code_once(clinician: User) -> None:
    browser = signed_in_with_password()
    browser.get("/2fa/setup/")  # the secret to scan, shown to this browser
    wrong = browser.post("/2fa/setup/", {"token": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.get().confirmed
    after_throttle()
    codes = set_up(browser)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert browser.get("/").status_code == 200
    # The next sign-in asks for the code.
    again = signed_in_with_password()
    assert again.get("/")["Location"].startswith("/2fa/?next=/")
    refused = again.post("/2fa/", {"token": "123456"})
    assert "That code is not right" in refused.content.decode()
    assert AuditEvent.objects.filter(action="sign_in_failed", detail="second factor").exists()
    after_throttle()
    assert again.post("/2fa/", {"token": codes[0], "next": "/"})["Location"] == "/"
    assert again.get("/").status_code == 200
    assert AuditEvent.objects.filter(detail="recovery code used").count() == 1
    third = signed_in_with_password()
    assert "That code is not right" in third.post("/2fa/", {"token": codes[0]}).content.decode()
    after_throttle()
    device = TOTPDevice.objects.get()
    # A code already used is refused (replay); the authenticator's next code is taken (one
    # step of clock drift is allowed).
    replay = third.post("/2fa/", {"token": USED[-1]})
    assert "That code is not right" in replay.content.decode()
    after_throttle()
    next_code = {"token": code_for(device, drift=1), "next": "/"}
    assert third.post("/2fa/", next_code)["Location"] == "/"


def key_shown(page: str) -> bytes:
    """The secret a set-up page shows (as typed into an authenticator app)."""
    [key] = re.findall(r"Key: <code>([A-Z2-7 ]+)</code>", page)
    return base64.b32decode(key.replace(" ", ""))


def code_from(key: bytes) -> dict[str, str]:
    return {"token": f"{totp(key):06d}", "next": "/"}


def test_each_set_up_shows_a_new_secret_never_shown_to_anyone_before(clinician: User) -> None:
    first = signed_in_with_password()
    shown_first = key_shown(first.get("/2fa/setup/").content.decode())
    reloaded = key_shown(first.get("/2fa/setup/").content.decode())
    assert reloaded != shown_first
    # Someone else signed in with the password opens the set-up: a secret of their own, and
    # the half-done one is gone, never shown again and no longer taken.
    later = signed_in_with_password()
    shown_later = key_shown(later.get("/2fa/setup/").content.decode())
    assert shown_later not in (shown_first, reloaded)
    assert [d.bin_key for d in TOTPDevice.objects.all()] == [shown_later]
    replaced = first.post("/2fa/setup/", code_from(reloaded)).content.decode()
    assert "The set-up code was replaced" in replaced
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    # The later visitor's own secret still sets up: the first browser's post made it a new
    # one, so the later one starts again too, with its own.
    retry = later.get("/2fa/setup/").content.decode()
    done = later.post("/2fa/setup/", code_from(key_shown(retry)))
    assert "recovery codes" in done.content.decode()
    assert TOTPDevice.objects.get(confirmed=True).bin_key == key_shown(retry)


def test_the_next_address_never_leaves_the_site(clinician: User) -> None:
    browser = signed_in_with_password()
    codes = set_up(browser)
    again = signed_in_with_password()
    response = again.post("/2fa/", {"token": codes[1], "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_single_account_install_may_relax_it_and_a_second_account_ends_that(
    clinician: User, settings: object
) -> None:
    settings.RELAX_MFA = "single-user"  # type: ignore[attr-defined]
    browser = signed_in_with_password()
    assert browser.get("/").status_code == 200
    # A second account, made after the first one signed in: the install is no longer single.
    get_user_model().objects.create_user("clinician2", password=PASSWORD)
    assert browser.get("/")["Location"].startswith("/2fa/setup/")


def test_repeated_failed_sign_ins_lock_out_with_a_clear_message(clinician: User) -> None:
    browser = Browser()
    for _ in range(4):
        response = browser.post("/login/", {"username": "clinician1", "password": "guess"})
        assert response.status_code == 200
    locked = browser.post("/login/", {"username": "clinician1", "password": "guess"})
    assert locked.status_code == 429 and "Sign-in locked for now" in locked.content.decode()
    right = browser.post("/login/", {"username": "clinician1", "password": PASSWORD})
    assert right.status_code == 429  # even the right password, until the cool-off
    assert AuditEvent.objects.filter(action="sign_in_failed", username="clinician1").count() >= 5
