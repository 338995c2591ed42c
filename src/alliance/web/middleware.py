"""Middleware of the site as a whole: requests refused before any view (a NUL character
anywhere in the path, the query or a posted field: no form here takes one, and PostgreSQL
cannot store one), and no page with clinical content kept in the browser's cache."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or (request.method == "POST" and _has_nul(request.POST))
        ):
            return HttpResponseBadRequest(
                "Bad request: a NUL character is not allowed.", content_type="text/plain"
            )
        return self.get_response(request)


def _has_nul(data: object) -> bool:
    lists = data.lists()  # type: ignore[attr-defined]
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in lists)


class NoStoreMiddleware:
    """Every page for a signed-in member, and every client-link and progress-link page, is
    `Cache-Control: no-store`: pressing Back on a shared tablet (after the kiosk, after
    signing out) must not show a chart or a client's answers from the browser's cache.
    Static files (served before this, by WhiteNoise) keep their own caching."""

    PUBLIC_WITH_DATA = ("/f/", "/p/", "/kiosk/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(
            self.PUBLIC_WITH_DATA
        ):
            response["Cache-Control"] = "no-store, max-age=0"
            response["Pragma"] = "no-cache"
        return response
