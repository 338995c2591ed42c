"""The kiosk's lock on the clinician's browser session: opened from the session page, it keeps
every page but the kiosk's out of reach until the clinician's password is entered again
(the kiosk views in `kiosk.py` unlock it)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from alliance.care.models import Session
from alliance.care.services.links import create_form_link
from alliance.web.member_request import MemberRequest

KIOSK_KEY = "kiosk"


def open_kiosk(request: MemberRequest, session: Session, instruments: list[str]) -> HttpResponse:
    """Lock this browser session to the kiosk for `session`'s forms.

    The session key changes here and again at the unlock (`kiosk.kiosk_unlock`): a session
    cookie copied from the device while the client holds it opens nothing afterwards. The
    kiosk keeps its link's id, never the link's token: the session table holds no key that
    opens the client's forms from another device."""
    link, _token = create_form_link(session=session, instruments=instruments)
    request.session.cycle_key()
    request.session[KIOSK_KEY] = {"link": link.pk, "session": session.pk, "failures": 0}
    return redirect("kiosk")


class KioskLockMiddleware:
    """While a kiosk is open in this browser session, every page but the kiosk's redirects
    to the kiosk (static files are served before this by WhiteNoise)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: MemberRequest) -> HttpResponse:
        if KIOSK_KEY in request.session and not request.path.startswith("/kiosk/"):
            return redirect("kiosk")
        return self.get_response(request)
