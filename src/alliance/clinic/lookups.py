"""Every object a URL names, fetched through the signed-in member; no page builds its own
owner filter.

A clinician's own things are those of their clients in the organization the request is
served for (`request.organization`, set once per request by `alliance.web.membership`).
Anyone else's, a colleague's or another organization's, is a 404, not a 403 that would
confirm it exists. Reading a client without owning it (a supervisor, break-glass) goes
through `visible_client`; the admin's pages through `admin_organization` and `org_member`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from alliance.care.models import (
    Administration,
    Client,
    FormLink,
    HeldSelfHarmAnswer,
    Membership,
    Organization,
    Rupture,
    Session,
    SignalRecord,
)
from alliance.care.services.access import visible_clients
from alliance.progress.models import ProgressLink
from alliance.web.member_request import MemberRequest


def _own_clients(request: MemberRequest) -> QuerySet[Client]:
    # The one owner rule; every own_* lookup below reaches its object through it.
    return Client.objects.filter(clinician=request.user, organization=request.organization)


def own_client(request: MemberRequest, pk: int) -> Client:
    return get_object_or_404(_own_clients(request), pk=pk)


def own_session(request: MemberRequest, pk: int) -> Session:
    sessions = Session.objects.filter(episode__client__in=_own_clients(request))
    return get_object_or_404(sessions.select_related("episode__client"), pk=pk)


def own_rupture(request: MemberRequest, pk: int) -> Rupture:
    ruptures = Rupture.objects.filter(episode__client__in=_own_clients(request))
    return get_object_or_404(ruptures.select_related("episode"), pk=pk)


def own_link(request: MemberRequest, pk: int) -> FormLink:
    links = FormLink.objects.filter(session__episode__client__in=_own_clients(request))
    return get_object_or_404(links, pk=pk)


def own_signal(request: MemberRequest, pk: int) -> SignalRecord:
    signals = SignalRecord.objects.filter(episode__client__in=_own_clients(request))
    return get_object_or_404(signals.select_related("episode"), pk=pk)


def own_held_answer(request: MemberRequest, pk: int) -> HeldSelfHarmAnswer:
    held = HeldSelfHarmAnswer.objects.filter(session__episode__client__in=_own_clients(request))
    return get_object_or_404(held.select_related("session__episode__client"), pk=pk)


def own_progress_link(request: MemberRequest, pk: int) -> ProgressLink:
    links = ProgressLink.objects.filter(client__in=_own_clients(request))
    return get_object_or_404(links.select_related("client"), pk=pk)


def own_administration(request: MemberRequest, pk: int) -> Administration:
    """A stored form as it stands now: one already corrected is not offered (its correction
    is), so that a correction always amends the latest version."""
    forms = Administration.objects.filter(
        session__episode__client__in=_own_clients(request), amended_by__isnull=True
    )
    return get_object_or_404(forms.select_related("session__episode__client"), pk=pk)


def visible_client(request: MemberRequest, pk: int) -> Client:
    """A client the signed-in member may read: their own, a supervisee's, or one opened by
    break-glass (`care.services.access.visible_clients`), within the request's organization.
    A supervision counts only in an organization where the supervisor is a supervisor, so
    a supervisee's clients are in the supervisor's own organization. Whether the member may
    also change the client is `may_change`."""
    # The common case, one's own client, in one plain query; anyone else's through the
    # whole rule (its supervisions and break-glass openings cost more to look up).
    own = _own_clients(request).select_related("clinician").filter(pk=pk).first()
    if own is not None:
        return own
    clients = visible_clients(request.user).filter(organization=request.organization)
    return get_object_or_404(clients.select_related("clinician"), pk=pk)


def admin_organization(request: MemberRequest) -> Organization:
    """The organization of an admin's pages; for anyone but an admin they do not exist."""
    organization: Organization | None = request.organization
    if organization is None or request.role != Membership.Role.ADMIN:
        raise Http404
    return organization


def org_member(request: MemberRequest, pk: int) -> Any:
    """A member of the admin's organization; anyone else's account is a 404."""
    members = get_user_model().objects.filter(memberships__organization=admin_organization(request))
    return get_object_or_404(members, pk=pk)
