"""The link page: show the session's forms, take them back whole."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from alliance.care.models import FormLink
from alliance.care.services.administrations import SubmissionError
from alliance.care.services.links import LinkUnusable, open_link, submit_forms, token_hash
from alliance.measures.urgent import UrgentAnswer
from alliance.progress.services import progress_for
from alliance.safety.services import crisis_for, keep_and_help, urgent_in
from alliance.web.guesses import guessing_too_much

from .questionnaires import answers_from, forms_context

TOO_MANY = "Too many links were tried from this connection. Please wait a few minutes."
UNUSABLE = {
    "unknown": (404, "This link is not known. Please ask your therapist for a new one."),
    "used": (410, "These forms have already been sent. Thank you."),
    "expired": (410, "This link has expired. Please ask your therapist for a new one."),
    "revoked": (410, "This link has been withdrawn. Please ask your therapist for a new one."),
}


@never_cache
def respond(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = open_link(token)
    except LinkUnusable as exc:
        if exc.reason == "unknown" and guessing_too_much(request, "link"):
            return render(request, "respond/closed.html", {"message": TOO_MANY}, status=429)
        return _closed(request, token, exc.reason)
    if request.method == "POST":
        forms = {name: answers_from(request, name) for name in link.instruments}
        urgent = urgent_in(forms)
        client = link.session.episode.client
        try:
            submit_forms(token=token, forms=forms)
        except LinkUnusable as exc:
            return _closed(request, token, exc.reason)
        except SubmissionError as exc:
            if exc.code == "already_stored":
                return _already_sent(request, link, urgent)
            context = forms_context(link.instruments, request.POST, exc.problems)
            # Refused for another answer: a self-harm answer is kept and reaches the clinician
            # all the same, and the client sees where to get help now.
            context["crisis_top"] = keep_and_help(link.session, urgent, "link")
            return render(request, "respond/forms.html", context, status=400)
        # Acknowledged only now, after the transaction has committed.
        context = {
            "crisis": crisis_for(client.organization_id) if urgent else None,
            "progress": progress_for(client),
        }
        return render(request, "respond/thanks.html", context)
    return render(request, "respond/forms.html", forms_context(link.instruments, {}, []))


ALREADY_SENT = (
    "Your answers to these questions were already received for this session, so they were "
    "not sent again. Thank you."
)


def _already_sent(request: HttpRequest, link: FormLink, urgent: list[UrgentAnswer]) -> HttpResponse:
    """A second set of forms for one session (another link, or the kiosk, sent them first):
    not stored, and said so; a self-harm answer in it is still kept and answered."""
    context = {"message": ALREADY_SENT, "crisis": keep_and_help(link.session, urgent, "link")}
    return render(request, "respond/closed.html", context, status=409)


def _closed(request: HttpRequest, token: str, reason: str) -> HttpResponse:
    """The page for a link that cannot take forms. Forms sent on it (a link that expired or
    was withdrawn while the client answered, a second tap, the back button) are not stored,
    but a self-harm answer among them is kept and the client still sees where to get help."""
    status, message = UNUSABLE[reason]
    context: dict[str, object] = {"message": message}
    link = None
    if request.method == "POST" and reason != "unknown":
        link = (
            FormLink.objects.select_related("session__episode__client")
            .filter(token_hash=token_hash(token))
            .first()
        )
    if link is not None:
        urgent = urgent_in({name: answers_from(request, name) for name in link.instruments})
        context["crisis"] = keep_and_help(link.session, urgent, "link")
    return render(request, "respond/closed.html", context, status=status)
