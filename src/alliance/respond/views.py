"""The link page: show the session's forms, take them back whole."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from alliance.audit.trail import client_address
from alliance.care.services.administrations import SubmissionError
from alliance.care.services.links import LinkUnusable, open_link, submit_forms

from .questionnaires import answers_from, forms_context

TOO_MANY = "Too many links were tried from this connection. Please wait a few minutes."
UNUSABLE = {
    "unknown": (404, "This link is not known. Please ask your therapist for a new one."),
    "used": (410, "These forms have already been sent. Thank you."),
    "expired": (410, "This link has expired. Please ask your therapist for a new one."),
    "revoked": (410, "This link has been withdrawn. Please ask your therapist for a new one."),
}


# Guessing links: an address that meets this many unusable links in the window is refused
# for the rest of it (a client with a stale link meets one or two).
GUESS_LIMIT = 20
GUESS_WINDOW = 600  # seconds


@never_cache
def respond(request: HttpRequest, token: str) -> HttpResponse:
    guesses_key = f"link-guesses:{client_address(request)}"
    if cache.get(guesses_key, 0) >= GUESS_LIMIT:
        return render(request, "respond/closed.html", {"message": TOO_MANY}, status=429)
    try:
        link = open_link(token)
    except LinkUnusable as exc:
        cache.add(guesses_key, 0, GUESS_WINDOW)
        cache.incr(guesses_key)
        status, message = UNUSABLE[exc.reason]
        return render(request, "respond/closed.html", {"message": message}, status=status)
    if request.method == "POST":
        forms = {name: answers_from(request, name) for name in link.instruments}
        try:
            submit_forms(token=token, forms=forms)
        except LinkUnusable as exc:
            status, message = UNUSABLE[exc.reason]
            return render(request, "respond/closed.html", {"message": message}, status=status)
        except SubmissionError as exc:
            context = forms_context(link.instruments, request.POST, exc.problems)
            return render(request, "respond/forms.html", context, status=400)
        # Acknowledged only now, after the transaction has committed.
        return render(request, "respond/thanks.html")
    return render(request, "respond/forms.html", forms_context(link.instruments, {}, []))
