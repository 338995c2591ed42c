"""Who may see which client: every client lookup of the pages goes through here.

A clinician sees and changes their own clients; a supervisor sees the clients of the
clinicians they supervise, read-only, within the organization of that supervision (both must
be its members, the supervisor as a supervisor). Anyone else gets nothing, and a client they
may not see is indistinguishable from one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from ..models import Client, Membership, Supervision


def supervisions(user: Any) -> QuerySet[Supervision]:
    """The user's supervisions that hold: both people are members of its organization."""
    member = Membership.objects.filter(organization=OuterRef("organization"))
    return (
        Supervision.objects.filter(supervisor=user)
        .filter(
            Exists(member.filter(user=OuterRef("supervisor"), role=Membership.Role.SUPERVISOR)),
            Exists(member.filter(user=OuterRef("supervisee"))),
        )
        .select_related("supervisee", "organization")
        .order_by("supervisee__username")
    )


def visible_clients(user: Any) -> QuerySet[Client]:
    """Own clients, and supervisees' clients within the supervision's organization."""
    rule = Q(clinician=user)
    for link in supervisions(user):
        rule |= Q(clinician_id=link.supervisee_id, organization_id=link.organization_id)
    return Client.objects.filter(rule)


def may_change(user: Any, client: Client) -> bool:
    return bool(client.clinician_id == user.pk)
