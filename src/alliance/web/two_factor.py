"""Two-factor sign-in (TOTP with django-otp, recovery codes as static tokens).

Every account needs a second factor before any page but these: the setup (first time) and
the check (each sign-in). ALLIANCE_RELAX_MFA relaxes it only for `alliance demo` and for an
install with a single account (a solo practitioner's laptop).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.audit.trail import record

# The client-link, progress-link and enrolment pages are public (the link is the key) and
# never need a staff factor.
OPEN_PATHS = ("/2fa/", "/logout/", "/health/", "/f/", "/p/", "/enrol/")
RECOVERY_CODES = 10


def mfa_required() -> bool:
    relax = settings.RELAX_MFA
    if relax == "demo":
        return False
    if relax == "single-user":
        return bool(get_user_model().objects.count() > 1)
    return True


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PATHS)
            and mfa_required()
        ):
            target = "two-factor-verify" if user_has_device(user) else "two-factor-setup"
            query = urlencode({"next": request.path}, safe="/")
            return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)


def _organization_id(request: HttpRequest) -> int | None:
    # The member's organization (set by the membership middleware), so that its admin sees
    # the second-factor entries of its members in the trail.
    organization = getattr(request, "organization", None)
    return organization.pk if organization is not None else None


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("caseload")


# The authenticator being set up in this browser session: its id, never its key.
SETUP_DEVICE = "two-factor-setup-device"


def _fresh_device(request: HttpRequest, user: Any) -> TOTPDevice:
    """A new authenticator with a new secret, for this visitor alone. Any unconfirmed one
    (a set-up left half-way, here or in another browser) is deleted first: its secret was
    shown once, to whoever opened that page, and is never shown or accepted again."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    request.session[SETUP_DEVICE] = device.pk
    return device


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user_has_device(user):
        return redirect("two-factor-verify")
    error = ""
    if request.method == "POST":
        # The code must be for the secret shown in this browser session; a post without one
        # (the set-up restarted elsewhere meanwhile) gets a new secret to scan.
        shown = request.session.get(SETUP_DEVICE)
        device = TOTPDevice.objects.filter(pk=shown, user=user, confirmed=False).first()
        if device is None:
            device = _fresh_device(request, user)
            error = "The set-up code was replaced. Scan this new code and enter the code it shows."
        elif device.verify_token(request.POST.get("token", "").strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            del request.session[SETUP_DEVICE]
            recovery = StaticDevice.objects.create(user=user, name="recovery codes")
            codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
            StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
            otp_login(request, device)
            record("update", user, object_type="user", fields=["second_factor"],
                   organization_id=_organization_id(request),
                   detail="two-factor sign-in set up")  # fmt: skip
            # Shown once, here; stored by django-otp to check them (see SECURITY.md).
            return render(request, "registration/recovery_codes.html",
                          {"codes": codes, "next": _next(request)})  # fmt: skip
        else:
            record("sign_in_failed", user, object_type="user",
                   organization_id=_organization_id(request),
                   detail="second factor set-up code")  # fmt: skip
            error = "That code is not right. Check the time on your phone and try the new code."
    else:
        device = _fresh_device(request, user)
    key = base64.b32encode(device.bin_key).decode()
    context = {
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, title="Set-up code"),
        "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        "error": error,
        "next": _next(request),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user_has_device(user):
        return redirect("two-factor-setup")
    error = ""
    if request.method == "POST":
        device = match_token(user, request.POST.get("token", "").strip().replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            detail = "recovery code used" if isinstance(device, StaticDevice) else "second factor"
            record("sign_in", user, object_type="user", organization_id=_organization_id(request),
                   detail=detail)  # fmt: skip
            return redirect(_next(request))
        record("sign_in_failed", user, object_type="user",
               organization_id=_organization_id(request), detail="second factor")  # fmt: skip
        error = "That code is not right. Use the current code from your app, or a recovery code."
    return render(request, "registration/two_factor_verify.html",
                  {"error": error, "next": _next(request)})  # fmt: skip
