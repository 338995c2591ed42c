"""Idle means idle: what renews the inactivity clock of a signed-in session.

A session ends `SESSION_COOKIE_AGE` seconds after the member last did something. Every
request the member makes counts (a page, a form sent), but not a page's background poll (the
session page asks for the client's forms every 2 s, marked with the `X-Alliance-Poll`
header): otherwise a session page left open on an unattended computer would never sign out.
`SESSION_SAVE_EVERY_REQUEST` is off, and `ActivityMiddleware` marks the session changed on
every request but a poll, so that Django saves it, and so moves its expiry, only then.

A poll that finds its session gone gets `signed_out_answer`: JSON with status 401 that the
page shows (a redirect to the sign-in page would be followed silently by the page's fetch).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

POLL_HEADER = "X-Alliance-Poll"


def is_background_poll(request: HttpRequest) -> bool:
    return request.headers.get(POLL_HEADER) == "1"


class ActivityMiddleware:
    """After Django's session and authentication middleware: every request but a background
    poll renews the signed-in session's inactivity clock."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_background_poll(request):
            # Saved by the session middleware on the way out (an empty session, an anonymous
            # visitor's, is never saved): its expiry moves to now + SESSION_COOKIE_AGE.
            request.session.modified = True
        return response


def idle_time() -> str:
    """The inactivity limit in words: "30 minutes", "1 minute", "5 seconds"."""
    seconds = int(settings.SESSION_COOKIE_AGE)
    if seconds % 60:
        return "1 second" if seconds == 1 else f"{seconds} seconds"
    minutes = seconds // 60
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def signed_out_answer(request: HttpRequest) -> JsonResponse:
    """A poll's answer once its browser is signed out: 401, with the sentence the page shows
    and the sign-in address (the page adds its own address as the place to return to)."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        # The browser still sends a session cookie the server no longer knows: it expired
        # (a sign-out anywhere in this browser removes the cookie instead).
        message = f"You were signed out after {idle_time()} without activity"
    else:
        message = "You are signed out"
    return JsonResponse(
        {"signed_out": True, "message": message, "sign_in": reverse("login")}, status=401
    )
