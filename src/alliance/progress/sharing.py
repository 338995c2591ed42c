"""Turning sharing on and off, and the progress links a clinician hands to a client.

A progress link opens the client's progress page as often as they like for
`LINK_LIFETIME` (30 days: long enough to keep between monthly sessions, short enough that a
forgotten link stops working on its own), until the clinician revokes it or turns sharing
off. The token is 256 random bits, shown once; only its SHA-256 hash is stored.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.audit.trail import record_for_client
from alliance.care.models import Client
from alliance.care.services.links import token_hash
from alliance.errors import DomainError

from .models import ProgressLink, ProgressSharing

LINK_LIFETIME = dt.timedelta(days=30)


class SharingOff(DomainError):
    """A progress link asked for while the client's progress is not shared."""


class ProgressLinkUnusable(DomainError):
    """An unknown, expired or revoked progress link; `reason` (the code) says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, f"the progress link cannot be used: {reason}")
        self.reason = reason


def set_sharing(*, client: Client, enabled: bool, by: Any) -> ProgressSharing:
    """Turn sharing on or off for `client`. Turning it off also revokes every open link, so
    that turning it on again later opens nothing handed out before."""
    now = timezone.now()
    with transaction.atomic():
        sharing = _locked_sharing(client)
        if sharing is not None and sharing.enabled == enabled:
            return sharing  # a repeated click changes nothing, and records nothing
        if sharing is None:
            if not enabled:
                # Off is the default: no row is needed to say so.
                return ProgressSharing(client=client, enabled=False, changed_by=by, changed_at=now)
            sharing = ProgressSharing.objects.create(
                client=client, enabled=True, changed_by=by, changed_at=now
            )
            record_for_client("create", sharing, client, fields=["enabled"],
                              detail="progress sharing turned on")  # fmt: skip
        else:
            sharing.enabled, sharing.changed_by, sharing.changed_at = enabled, by, now
            sharing.save(update_fields=["enabled", "changed_by", "changed_at"])
            turned = "on" if enabled else "off"
            record_for_client("update", sharing, client, fields=["enabled"],
                              detail=f"progress sharing turned {turned}")  # fmt: skip
        if not enabled:
            for link in open_progress_links(client):
                _revoke(link, client, now)
    return sharing


def create_progress_link(*, client: Client, by: Any) -> tuple[ProgressLink, str]:
    """A new link to the client's progress; returns it with the token (shown once, never
    stored). Refused with `SharingOff` while sharing is off."""
    token = secrets.token_urlsafe(32)  # 256 bits
    with transaction.atomic():
        # Under the lock, no link is made while sharing is being turned off.
        sharing = _locked_sharing(client)
        if sharing is None or not sharing.enabled:
            raise SharingOff("sharing_off", "turn on sharing before making a progress link")
        link = ProgressLink.objects.create(
            client=client,
            token_hash=token_hash(token),
            created_by=by,
            expires_at=timezone.now() + LINK_LIFETIME,
        )
        record_for_client("create", link, client, fields=["expires_at"],
                          detail="progress link")  # fmt: skip
    return link, token


def revoke_progress_link(*, link: ProgressLink) -> ProgressLink:
    """Withdraw a link (handed to the wrong person, lost, or no longer wanted)."""
    with transaction.atomic():
        link = ProgressLink.objects.select_for_update().select_related("client").get(pk=link.pk)
        if link.revoked_at is None:
            _revoke(link, link.client, timezone.now())
    return link


def _locked_sharing(client: Client) -> ProgressSharing | None:
    """The client's setting, read under a lock on the client's row: the setting may not
    exist yet, and two first clicks must not both create it."""
    Client.objects.select_for_update().filter(pk=client.pk).first()
    return ProgressSharing.objects.filter(client=client).first()


def _revoke(link: ProgressLink, client: Client, now: dt.datetime) -> None:
    link.revoked_at = now
    link.save(update_fields=["revoked_at"])
    record_for_client("update", link, client, fields=["revoked_at"], detail="progress link")


def open_progress_links(client: Client) -> list[ProgressLink]:
    """The client's links that still open the page."""
    return list(
        client.progress_links.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    )


def open_progress_link(token: str) -> ProgressLink:
    """The link a token opens, with its client; `ProgressLinkUnusable` otherwise."""
    link = ProgressLink.objects.select_related("client").filter(token_hash=token_hash(token))
    found = link.first()
    if found is None:
        raise ProgressLinkUnusable("unknown")
    if found.revoked_at is not None:
        raise ProgressLinkUnusable("revoked")
    if found.expires_at <= timezone.now():
        raise ProgressLinkUnusable("expired")
    return found
