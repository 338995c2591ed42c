"""Guessing link tokens, limited per address: a client-link, progress-link or enrolment token
that matches nothing counts as a guess, and an address that makes `GUESS_LIMIT` of one kind
in `GUESS_WINDOW` seconds is refused further guesses for the rest of the window. Only
unknown tokens count and only they are refused: a real link always gets its own page, so
someone guessing from a client's address (a clinic's Wi-Fi) can never block it. The counters
live in the cache, shared by every serving process (REDIS_URL)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from alliance.audit.trail import client_address

GUESS_LIMIT = 20
GUESS_WINDOW = 600  # seconds


def guessing_too_much(request: HttpRequest, kind: str) -> bool:
    """Count one unknown token of `kind` from this address; True once it has tried
    `GUESS_LIMIT` in the window (the one that reaches it is still answered)."""
    key = f"{kind}-guesses:{client_address(request)}"
    if cache.get(key, 0) >= GUESS_LIMIT:
        return True
    cache.add(key, 0, GUESS_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # the window ended between the two calls: this miss starts a new one
        cache.add(key, 1, GUESS_WINDOW)
    return False
