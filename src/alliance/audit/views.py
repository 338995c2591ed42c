"""The admin's view of the audit trail: their organization's entries, filtered, and a CSV
export of the same."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from alliance.web.member_request import MemberRequest
from alliance.web.typed import plain_int

from .models import AuditEvent
from .trail import record

ADMIN = "admin"  # the admin's role, as `request.role` names it
COLUMNS = ("id", "at", "username", "action", "object_type", "object_id", "client_id_at_time",
           "owner_id_at_time", "client_ids", "fields", "address", "detail", "free_text",
           "scheme", "hash")  # fmt: skip
BAD_CLIENT = "The client filter takes a client's id in the digits 0 to 9 (for example 42)."


def _entries(
    request: MemberRequest,
) -> tuple[QuerySet[AuditEvent], dict[str, str], int, str]:
    """The signed-in admin's organization's entries, filtered by the query string, and what
    is wrong with the filter (empty when nothing is)."""
    # The member's organization and role come with the request (web's membership middleware):
    # the trail is below the clinical apps and does not look members up itself.
    organization = request.organization
    if organization is None or request.role != ADMIN:
        raise Http404  # not an admin: the page does not exist for them
    organization_id = organization.pk
    entries = AuditEvent.objects.filter(organization_id_at_time=organization_id)
    filters = {key: request.GET.get(key, "").strip()[:64] for key in ("user", "client", "action")}
    if filters["user"]:
        entries = entries.filter(username=filters["user"])
    problem = ""
    if filters["client"]:
        client_id = _number(filters["client"])
        if client_id is None:
            problem = BAD_CLIENT
            entries = entries.none()
        else:
            entries = entries.filter(client_id_at_time=client_id)
    if filters["action"]:
        entries = entries.filter(action=filters["action"])
    return entries.order_by("-id"), filters, organization_id, problem


def _number(text: str) -> int | None:
    return plain_int(text)


@login_required
def audit_list(request: MemberRequest) -> HttpResponse:
    entries, filters, _organization, problem = _entries(request)
    page = Paginator(entries, 100).get_page(_number(request.GET.get("page", "")) or 1)
    context = {"page": page, "filters": filters, "actions": AuditEvent.Action.choices,
               "problem": problem}  # fmt: skip
    # A filter that is not an id matches nothing and says why (no error status: the page
    # answers as it does for any filter that finds nothing).
    return render(request, "audit/list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def audit_export(request: MemberRequest) -> StreamingHttpResponse:
    entries, _filters, organization, _problem = _entries(request)
    record("export", object_type="audit_trail", organization_id=organization,
           detail=f"audit export {request.GET.urlencode()[:150]}")  # fmt: skip
    writer = csv.writer(_Echo())

    def rows() -> Any:
        yield writer.writerow(COLUMNS)
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow([_cell(getattr(entry, column)) for column in COLUMNS])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response


def _cell(value: Any) -> str:
    text = (
        ",".join(map(str, value))
        if isinstance(value, list)
        else str("" if value is None else value)
    )
    # A spreadsheet runs a cell that starts with = + - @: quote it as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
