"""Kiosk: the client fills the session's forms on the clinician's device.

While a kiosk is open, the clinician's signed-in browser session is locked to the kiosk
pages (`KioskLockMiddleware`): the client sees only the forms, never the caseload, and the
device returns to the clinician only after the clinician's password is entered again.
Behind the kiosk is an ordinary single-use form link, so storing is the same whole-or-nothing
submission as on the client's phone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alliance.care.models import Session
from alliance.care.services.administrations import SubmissionError
from alliance.care.services.forms import LinkUnusable, create_form_link, open_link, submit_forms

from .views import answers_from, forms_context

KIOSK_KEY = "kiosk"
# Below the sign-in lockout (5, django-axes, which counts these tries too): the kiosk signs
# the clinician out first, so the device ends on the sign-in page, not a lockout page.
UNLOCK_ATTEMPTS = 4


def open_kiosk(request: HttpRequest, session: Session, instruments: list[str]) -> HttpResponse:
    """Lock this browser session to the kiosk for `session`'s forms."""
    _link, token = create_form_link(session=session, instruments=instruments)
    request.session[KIOSK_KEY] = {"token": token, "session": session.pk, "failures": 0}
    return redirect("kiosk")


@never_cache
@login_required
def kiosk(request: HttpRequest) -> HttpResponse:
    state = request.session.get(KIOSK_KEY)
    if state is None:
        return redirect("caseload")
    try:
        link = open_link(state["token"])
    except LinkUnusable:
        return render(request, "respond/kiosk_done.html", {"unlock_error": None})
    if request.method == "POST":
        forms = {name: answers_from(request, name) for name in link.instruments}
        try:
            submit_forms(token=state["token"], forms=forms)
        except LinkUnusable:
            return render(request, "respond/kiosk_done.html", {"unlock_error": None})
        except SubmissionError as exc:
            context = forms_context(link.instruments, request.POST, exc.problems)
            return render(request, "respond/kiosk.html", context, status=400)
        return redirect("kiosk")  # the thanks page, after the commit; a reload sends nothing
    return render(request, "respond/kiosk.html", forms_context(link.instruments, {}, []))


@never_cache
@login_required
@require_POST
def kiosk_unlock(request: HttpRequest) -> HttpResponse:
    state = request.session.get(KIOSK_KEY)
    if state is None:
        return redirect("caseload")
    user = authenticate(
        request, username=request.user.get_username(), password=request.POST.get("password", "")
    )
    if user is not None and user.pk == request.user.pk:
        del request.session[KIOSK_KEY]
        return redirect("session", pk=state["session"])
    state["failures"] += 1
    if state["failures"] >= UNLOCK_ATTEMPTS:
        # Someone is guessing: end the clinician's session rather than keep the lock open.
        logout(request)
        return redirect(reverse("login"))
    request.session[KIOSK_KEY] = state
    left = UNLOCK_ATTEMPTS - state["failures"]
    context = {"unlock_error": f"That password is not right ({left} tries left)."}
    try:
        link = open_link(state["token"])
    except LinkUnusable:
        return render(request, "respond/kiosk_done.html", context, status=403)
    return render(
        request,
        "respond/kiosk.html",
        forms_context(link.instruments, {}, []) | context,
        status=403,
    )


class KioskLockMiddleware:
    """While a kiosk is open in this browser session, every page but the kiosk's redirects
    to the kiosk (static files are served before this by WhiteNoise)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if KIOSK_KEY in request.session and not request.path.startswith("/kiosk/"):
            return redirect("kiosk")
        return self.get_response(request)
