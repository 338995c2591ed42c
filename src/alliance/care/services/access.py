"""Who may see which client: every client lookup of the pages goes through here.

A clinician sees and changes their own clients; a supervisor sees the clients of the
clinicians they supervise, read-only, within the organization of that supervision (both must
be its members, the supervisor as a supervisor). Anyone else gets nothing, and a client they
may not see is indistinguishable from one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ..models import Client, Membership, Supervision


def membership_of(user: Any) -> Membership | None:
    """The membership a signed-in user acts under, with its organization.

    A user has one membership in practice. Should there be several, the one of the lowest
    organization id is taken, so that every request (and every sign-in entry) names the
    same organization rather than whichever row the database returns first. This is the
    only place that choice is made.
    """
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization_id")
        .first()
    )


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
    """Own clients, supervisees' clients within the supervision's organization, and clients
    an admin of their organization has opened by break-glass, until it expires."""
    rule = Q(clinician=user)
    for link in supervisions(user):
        rule |= Q(clinician_id=link.supervisee_id, organization_id=link.organization_id)
    admin_of = Membership.objects.filter(user=user, role=Membership.Role.ADMIN).values(
        "organization"
    )
    rule |= Q(
        break_glass__user=user,
        break_glass__expires_at__gt=timezone.now(),
        organization__in=admin_of,
    )
    return Client.objects.filter(rule).distinct()


def may_change(user: Any, client: Client) -> bool:
    return bool(client.clinician_id == user.pk)
