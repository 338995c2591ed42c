"""Idle means idle: what renews the inactivity clock of a signed-in session.

A session ends `SESSION_COOKIE_AGE` seconds after the member last did something. Every
request the member makes counts (a page, a form sent), but not a page's background poll (the
session page asks for the client's forms every 2 s, marked with the `X-Alliance-Poll`
header): otherwise a session page left open on an unattended computer would never sign out.
`SESSION_SAVE_EVERY_REQUEST` is off, and `ActivityMiddleware` marks the session changed on
every request but a poll, so that Django saves it, and so moves its expiry, only then.

A page that writes (a read of a client's record is an audit entry) renews the session inside
its own transaction, `renewing_session`: one commit per page view instead of two, and on
SQLite each commit is a sync to disk. The middleware then only sends the cookie, unless the
session changed again after the view's transaction.

A poll that finds its session gone gets `signed_out_answer`: JSON with status 401 that the
page shows (a redirect to the sign-in page would be followed silently by the page's fetch).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.http import http_date

POLL_HEADER = "X-Alliance-Poll"
# Set on a request whose session `renewing_session` saved.
RENEWED = "alliance_session_renewed"


def is_background_poll(request: HttpRequest) -> bool:
    return request.headers.get(POLL_HEADER) == "1"


class ActivityMiddleware:
    """After Django's session and authentication middleware: every request but a background
    poll renews the signed-in session's inactivity clock."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_background_poll(request):
            return response
        if getattr(request, RENEWED, False) and not request.session.modified:
            # Saved, and so renewed, in the view's transaction: only its cookie is left to
            # send, as the session middleware sends it after a save.
            if response.status_code < 500:
                send_session_cookie(request, response)
        else:
            # Saved by the session middleware on the way out (an empty session, an anonymous
            # visitor's, is never saved): its expiry moves to now + SESSION_COOKIE_AGE.
            request.session.modified = True
        return response


@contextmanager
def renewing_session(request: HttpRequest) -> Iterator[None]:
    """The block's writes and the renewal of the member's session in one transaction: the
    session is saved at the block's end, inside it, so that either both are stored or
    neither. A session stored elsewhere than the database (or empty, or a poll's) is left
    to the middleware as before."""
    session = request.session
    with transaction.atomic():
        yield
        if (
            not is_background_poll(request)
            and isinstance(session, DatabaseSessionStore)
            and not session.is_empty()
        ):
            try:
                session.save()
            except UpdateError as error:
                # Signed out in another request meanwhile: as the session middleware says it.
                raise SessionInterrupted(
                    "The request's session was deleted before the request completed."
                ) from error
            session.modified = False
            setattr(request, RENEWED, True)


def send_session_cookie(request: HttpRequest, response: HttpResponse) -> None:
    """The session cookie as Django's session middleware sets it after saving the session."""
    session = request.session
    assert session.session_key is not None, "a saved session has its key"
    max_age: int | None = None
    expires: str | None = None
    if not session.get_expire_at_browser_close():
        max_age = session.get_expiry_age()
        expires = http_date(time.time() + max_age)
    response.set_cookie(
        settings.SESSION_COOKIE_NAME,
        session.session_key,
        max_age=max_age,
        expires=expires,
        domain=settings.SESSION_COOKIE_DOMAIN,
        path=settings.SESSION_COOKIE_PATH,
        secure=bool(settings.SESSION_COOKIE_SECURE),
        httponly=bool(settings.SESSION_COOKIE_HTTPONLY),
        samesite=settings.SESSION_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )


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
