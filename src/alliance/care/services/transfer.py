"""An admin moves a client to another clinician of the organization.

The record moves whole: every episode, session, form, signal and note hangs off the client,
so the new clinician sees the whole history and the old one no longer sees the client (every
page reaches a client through its clinician). The caseload's fields are the client's own, so
the client keeps its place on the new caseload. The change is audited under the admin's name
with from and to.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from alliance.audit.trail import Actor, current_actor, record_for_client
from alliance.errors import DomainError

from ..models import Client, Membership, Organization


class TransferError(DomainError):
    """Codes: no_such_client, not_a_clinician, inactive, same_clinician, not_in_organization."""


def organization_client(organization: Organization, pk: int) -> Client:
    """A client of the organization, through the organization: any other is no client."""
    client = organization.clients.filter(pk=pk).first()
    if client is None:
        raise TransferError("no_such_client", "there is no such client in this organization")
    return client


def transfer_client(
    *, organization: Organization, client: Client, to_clinician: Any, by: Any
) -> Client:
    """Make `to_clinician` (an active clinician of `organization`) the client's clinician."""
    if client.organization_id != organization.pk:
        raise TransferError("not_in_organization", "that client is not of this organization")
    role = (
        Membership.objects.filter(organization=organization, user=to_clinician)
        .values_list("role", flat=True)
        .first()
    )
    if role != Membership.Role.CLINICIAN:
        raise TransferError(
            "not_a_clinician", "a client moves only to a clinician of this organization"
        )
    if not to_clinician.is_active:
        raise TransferError("inactive", "that clinician's account is deactivated")
    with transaction.atomic():
        client = Client.objects.select_for_update().select_related("clinician").get(pk=client.pk)
        before = client.clinician
        if before.pk == to_clinician.pk:
            raise TransferError(
                "same_clinician", f"the client is already {to_clinician.get_username()}'s"
            )
        client.clinician = to_clinician
        client.save(update_fields=["clinician"])
        # The entry is the admin's; it names the client by id only (the trail holds no
        # client codes) and both clinicians by name.
        actor = Actor(by.pk, by.get_username(), current_actor().address)
        record_for_client(
            "update", client, client, fields=["clinician"], actor=actor,
            detail=f"transferred from {before.get_username()} to {to_clinician.get_username()}",
        )  # fmt: skip
    return client


def transfer_list(organization: Organization, code: str = "") -> QuerySet[Client]:
    """The organization's clients by code with their clinician, for the transfer page;
    `code`: part of a code, any case."""
    clients = Client.objects.filter(organization=organization)
    if code:
        clients = clients.filter(code__icontains=code)
    return clients.select_related("clinician").only("code", "clinician__username").order_by("code")


def clinicians_of(organization: Organization) -> list[Any]:
    """The organization's active clinicians, by name: who a client can move to."""
    return list(
        get_user_model()
        .objects.filter(
            memberships__organization=organization,
            memberships__role=Membership.Role.CLINICIAN,
            is_active=True,
        )
        .order_by("username")
    )
