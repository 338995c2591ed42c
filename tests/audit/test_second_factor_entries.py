"""Second-factor events (set-up, a wrong code, a code, a recovery code) are recorded with the
member's organization, so that its admin sees them in the trail."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.audit.models import AuditEvent
from alliance.care.models import Organization

from ..cast import PASSWORD, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]


def password_only() -> Browser:
    browser = Browser()
    assert browser.post("/login/", {"username": "clinician1", "password": PASSWORD}).status_code
    return browser


def current_code() -> str:
    device = TOTPDevice.objects.get()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_each_second_factor_event_is_in_the_admins_trail(
    clinician: User, admin: User, organization: Organization, settings: Any
) -> None:
    browser = password_only()
    browser.get("/2fa/setup/")
    browser.post("/2fa/setup/", {"token": "000000"})
    time.sleep(1.1)  # django-otp's delay after a wrong code
    done = browser.post("/2fa/setup/", {"token": current_code(), "next": "/"}).content.decode()
    recovery = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done)
    again = password_only()
    again.post("/2fa/", {"token": "123456"})
    time.sleep(1.1)
    assert again.post("/2fa/", {"token": recovery[0], "next": "/"})["Location"] == "/"

    second_factor = AuditEvent.objects.filter(username="clinician1", object_type="user").exclude(
        detail=""  # the password sign-ins before each
    )
    described = list(second_factor.values_list("action", "detail", "organization_id_at_time"))
    assert described == [
        ("sign_in_failed", "second factor set-up code", organization.pk),
        ("update", "two-factor sign-in set up", organization.pk),
        ("sign_in_failed", "second factor", organization.pk),
        ("sign_in", "recovery code used", organization.pk),
    ]
    settings.RELAX_MFA = "demo"  # the admin reads the trail without setting up a factor here
    admin_browser = signed_in(admin)
    page = admin_browser.get("/audit/?user=clinician1").content.decode()
    for action, detail, _organization in described:
        assert f'{action} <span class="quiet">{detail}</span>' in page, (action, detail)
    assert len(described) == 4  # the loop above checked four rows
