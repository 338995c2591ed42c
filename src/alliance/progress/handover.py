"""Handing a new progress link's token from the POST that made it to the page after the
redirect, which shows it once.

The token rides in the clinician's own server-side session for that one redirect (as the
kiosk's form link does) and is taken out when shown, so it is never kept beside the link.
"""

from __future__ import annotations

from django.http import HttpRequest

from alliance.care.models import Client

FRESH_LINK = "progress-fresh-link"


def keep_fresh_link(request: HttpRequest, client: Client, token: str) -> None:
    request.session[FRESH_LINK] = {"client": client.pk, "token": token}


def take_fresh_link(request: HttpRequest, client: Client) -> str | None:
    """The token made for `client` just before, once; None when there is none."""
    fresh = request.session.get(FRESH_LINK)
    if not isinstance(fresh, dict) or fresh.get("client") != client.pk:
        return None
    del request.session[FRESH_LINK]
    return str(fresh["token"])
