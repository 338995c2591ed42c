"""Requests refused before any view: a NUL character anywhere in the path, the query or a
posted field. No form here takes one, and PostgreSQL cannot store one (it would fail
deep inside a view instead of answering 400)."""

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
