"""A member's own trail: who supervises them (since when, set by whom), and who other than
themselves read their clients' records (a supervisor, an admin by break-glass): who, when
and what, by ids and kinds of record, never clinical content."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render

from alliance.web.member_request import MemberRequest
from alliance.web.typed import plain_int

from .models import AuditEvent

READS = ("read", "export", "break_glass")
PAGE = 50
# What each kind of entry read, in the clinician's words.
WHAT = {
    ("read", "client"): "the client's chart",
    ("read", "session"): "a session's forms",
    ("read", "administration"): "a stored form",
    ("read", "caseload"): "your caseload (codes and what needs attention)",
    ("break_glass", "client"): "opened the record by break-glass, for one hour",
    ("export", "client"): "exported the record",
}


def reads_by_others(member_id: int, organization_id: int) -> QuerySet[AuditEvent]:
    """Reads of the member's clients by anyone else, newest first: entries about one of
    their clients, and caseload pages that listed them."""
    about_mine = Q(owner_id_at_time=member_id) | Q(
        object_type="caseload", listed_owners__contains=f",{member_id},"
    )
    return (
        AuditEvent.objects.filter(organization_id_at_time=organization_id, action__in=READS)
        .filter(about_mine)
        .exclude(user_id_at_time=member_id)
        .order_by("-id")
    )


def supervisions_of(member: Any, organization_id: int) -> list[dict[str, Any]]:
    """Who supervises the member now, with the entry that made it (when, and which admin),
    when the trail has one."""
    # Read through the member's own relation: the audit app imports nothing of care.
    links = member.supervisors_links.filter(organization_id=organization_id)
    links = list(links.select_related("supervisor").order_by("supervisor__username"))
    made = {
        entry.object_id: entry
        for entry in AuditEvent.objects.filter(
            organization_id_at_time=organization_id, action="create",
            object_type="supervision", object_id__in=[str(link.pk) for link in links],
        )
    }  # fmt: skip
    return [
        {"supervisor": link.supervisor.get_username(), "entry": made.get(str(link.pk))}
        for link in links
    ]


@login_required
def my_trail(request: MemberRequest) -> HttpResponse:
    organization = request.organization
    if organization is None:
        raise Http404  # no membership: no clients, no supervision
    me = request.user.pk
    page = Paginator(reads_by_others(me, organization.pk), PAGE).get_page(
        _page_number(request.GET.get("page", ""))
    )
    rows = [
        {
            "entry": entry,
            "what": WHAT.get((entry.action, entry.object_type), entry.object_type),
            # One client's id; a caseload page is named as such (the ids it also listed
            # are of other clinicians' clients).
            "client": entry.client_id_at_time,
        }
        for entry in page.object_list
    ]
    context = {"page": page, "rows": rows,
               "supervisions": supervisions_of(request.user, organization.pk)}  # fmt: skip
    return render(request, "audit/mine.html", context)


def _page_number(text: str) -> int:
    number = plain_int(text, max_digits=9)
    return 1 if number is None else number
