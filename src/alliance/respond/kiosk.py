"""Kiosk: the client fills the session's forms on the clinician's device.

While a kiosk is open, the clinician's signed-in browser session is locked to the kiosk
pages (`KioskLockMiddleware`): the client sees only the forms, never the caseload, and the
device returns to the clinician only after the clinician's password is entered again.
Behind the kiosk is an ordinary single-use form link, so storing is the same whole-or-nothing
submission as on the client's phone.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alliance.care.models import Client, FormLink
from alliance.care.services.administrations import SubmissionError
from alliance.care.services.links import (
    LinkUnusable,
    open_link_by_id,
    revoke_link,
    submit_forms_by_link_id,
)
from alliance.progress.services import progress_for
from alliance.safety.services import crisis_for, hold_urgent_answers, urgent_in
from alliance.web.member_request import MemberRequest

from .kiosk_lock import KIOSK_KEY
from .questionnaires import answers_from, forms_context

# Below the sign-in lockout (5, django-axes, which counts these tries too): the kiosk signs
# the clinician out first, so the device ends on the sign-in page, not a lockout page.
UNLOCK_ATTEMPTS = 4


@never_cache
@login_required
def kiosk(request: MemberRequest) -> HttpResponse:
    state = request.session.get(KIOSK_KEY)
    if state is None:
        return redirect("caseload")
    if request.method == "POST":
        try:
            link = open_link_by_id(_link_id(state))
            forms = {name: answers_from(request, name) for name in link.instruments}
            urgent = urgent_in(forms)
            if urgent:
                # Kept for the page after sending, which the client reads with the clinician.
                state["urgent"] = True
                request.session[KIOSK_KEY] = state
            submit_forms_by_link_id(link_id=_link_id(state), forms=forms)
        except LinkUnusable:
            pass  # sent already (a double tap): the thanks page
        except SubmissionError as exc:
            if urgent:
                hold_urgent_answers(session=link.session, found=urgent, via="kiosk")
            if exc.code == "already_stored":
                # Sent already by another link: the hand-over is over, and says so.
                revoke_link(link=link)
                return redirect("kiosk")
            return _screen(request, _link_id(state), posted=request.POST,
                           problems=exc.problems, status=400)  # fmt: skip
        else:
            return redirect("kiosk")  # the thanks page, after the commit; a reload sends nothing
    return _screen(request, _link_id(state))


@never_cache
@login_required
@require_POST
def kiosk_unlock(request: MemberRequest) -> HttpResponse:
    state = request.session.get(KIOSK_KEY)
    if state is None:
        return redirect("caseload")
    user = authenticate(
        request, username=request.user.get_username(), password=request.POST.get("password", "")
    )
    if user is not None and user.pk == request.user.pk:
        del request.session[KIOSK_KEY]
        # A new session key for the clinician's pages: the key the device had while the
        # client held it (and anyone who copied its cookie then) opens nothing any more.
        request.session.cycle_key()
        # Handed back before the client sent the forms: the link behind the kiosk closes.
        link = FormLink.objects.filter(pk=_link_id(state)).first()
        if link is not None:
            revoke_link(link=link)
        return redirect("session", pk=state["session"])
    state["failures"] += 1
    if state["failures"] >= UNLOCK_ATTEMPTS:
        # Someone is guessing: end the clinician's session rather than keep the lock open.
        logout(request)
        return redirect(reverse("login"))
    request.session[KIOSK_KEY] = state
    left = UNLOCK_ATTEMPTS - state["failures"]
    tries = "1 try" if left == 1 else f"{left} tries"
    error = {"unlock_error": f"That password is not right ({tries} left)."}
    return _screen(request, _link_id(state), extra=error, status=403)


def _link_id(state: dict[str, Any]) -> int:
    # A kiosk opened before the link's id was kept (its state holds a token instead) finds
    # no link: it shows the thanks page, and the clinician's password still unlocks it.
    return int(state.get("link") or 0)


def _screen(
    request: MemberRequest,
    link_id: int,
    *,
    posted: Any = None,
    problems: Any = (),
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The kiosk's screen: the forms while the link is open, else the thanks page."""
    context = {"unlock_error": None, "kiosk": True} | (extra or {})
    state = request.session.get(KIOSK_KEY) or {}
    client = Client.objects.filter(episodes__sessions__pk=int(state.get("session", 0))).first()
    urgent = bool(state.get("urgent")) and client is not None
    try:
        link = open_link_by_id(link_id)
    except LinkUnusable:
        if client is not None:
            context["crisis"] = crisis_for(client.organization_id) if urgent else None
            context["progress"] = progress_for(client)
        return render(request, "respond/kiosk_done.html", context, status=status)
    context |= forms_context(link.instruments, posted or {}, list(problems), place="kiosk")
    if urgent and problems and client is not None:
        context["crisis_top"] = crisis_for(client.organization_id)
    return render(request, "respond/kiosk.html", context, status=status)
