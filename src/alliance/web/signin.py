"""The sign-in page, and where it returns to afterwards.

A form sent after the session expired is redirected to the sign-in page with its own
address as `next` (e.g. /clients/5/sessions/, which takes only POST). Returning there after
signing in would be a GET, answered "405 Method Not Allowed": a dead end. So `next` is kept
only when it names a page that answers GET; otherwise the sign-in returns to the nearest
page above it that does (/clients/5/, the object's page), else the caseload.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.views import LoginView
from django.urls import Resolver404, resolve, reverse


class SignInView(LoginView):
    def get_redirect_url(self) -> str:
        # Django's check first: same host and scheme, else "" (the caseload).
        target = super().get_redirect_url()
        return page_to_return_to(target) if target else ""


def page_to_return_to(target: str) -> str:
    """`target` (an address on this site) if it answers GET, else the nearest address above
    it that does, else the caseload."""
    path = urlsplit(target).path
    if answers_get(path):
        return target
    parts = [part for part in path.split("/") if part]
    while parts:
        parts.pop()
        above = "/" + "".join(f"{part}/" for part in parts)
        if answers_get(above):
            return above
    return reverse("caseload")


def answers_get(path: str) -> bool:
    """Whether `path` is an address of this site whose view takes GET."""
    try:
        view = resolve(path).func
    except Resolver404:
        return False
    methods = _methods_of(view)
    return methods is None or "GET" in methods


def _methods_of(view: Callable[..., Any]) -> set[str] | None:
    """The request methods a view takes, as its decorators or class say; None: any.

    Django's `require_http_methods` (behind `require_POST` and `require_GET`) keeps the
    methods in its wrapper's closure, and every decorator here keeps the wrapped view in
    `__wrapped__`; a class-based view lists its methods. (tests/web/test_sign_in_returns.py
    checks this reading on the site's own POST-only views.)"""
    layer: Any = view
    while layer is not None:
        view_class = getattr(layer, "view_class", None)
        if view_class is not None:
            names = view_class.http_method_names
            return {name.upper() for name in names if hasattr(view_class, name)}
        if inspect.isfunction(layer) and layer.__closure__:
            methods = inspect.getclosurevars(layer).nonlocals.get("request_method_list")
            if isinstance(methods, (list, tuple, set)):
                return {str(method).upper() for method in methods}
        layer = getattr(layer, "__wrapped__", None)
    return None
