"""The audit trail: an append-only, hash-chained record of every read of a client's chart
or forms and every change to clinical data.

Each entry holds the hash of the one before it and its own hash over its content, keyed
with a secret kept outside the database (keys.py), so an edited, deleted or inserted past
entry breaks the chain (`alliance manage verify_audit`), and rewriting the chain needs the
key. Heads (count and last hash) are also written outside the database (heads.py), so that
removing the latest entries, or all of them, is detected too. Entries name objects by type
and id, never by clinical content, so erasing a client keeps the trail without keeping the
client.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnlyError(Exception):
    """An attempt to edit or delete an audit entry."""


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        READ = "read"
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"
        EXPORT = "export"
        ERASE = "erase"
        BREAK_GLASS = "break_glass"
        SIGN_IN = "sign_in"
        SIGN_IN_FAILED = "sign_in_failed"
        SIGN_OUT = "sign_out"
        BREAK_GLASS_FAILED = "break_glass_failed"

    class Scheme(models.IntegerChoices):
        # Entries written before the chain was keyed keep their plain SHA-256 hash; the first
        # keyed entry after them says how many there were (chain.py), so none can be added.
        UNKEYED = 1, "SHA-256 (before keying)"
        KEYED = 2, "HMAC-SHA256"

    at = models.DateTimeField()
    # Kept as text as well as a key: the trail outlives the account.
    user_id_at_time = models.BigIntegerField(null=True, blank=True)
    username = models.CharField(max_length=150, blank=True)
    organization_id_at_time = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64, blank=True)
    client_id_at_time = models.BigIntegerField(null=True, blank=True)
    # The clinician whose client the entry is about, as it was then: their own trail page
    # lists reads of their clients by anyone else.
    owner_id_at_time = models.BigIntegerField(null=True, blank=True)
    # A list of clients (a caseload page): the ids shown, and whose caseloads they were, as
    # ",5,12," so that one clinician's listings are found by a plain text match on SQLite as
    # on PostgreSQL.
    client_ids = models.JSONField(default=list, blank=True)
    listed_owners = models.TextField(blank=True)
    fields = models.JSONField(default=list)
    address = models.CharField(max_length=45, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    # The detail holds words a person typed (the break-glass reason), which may hold clinical
    # words: marked, so that a reader and an export know it (SECURITY.md).
    free_text = models.BooleanField(default=False)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    scheme = models.PositiveSmallIntegerField(choices=Scheme.choices, default=Scheme.KEYED)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["organization_id_at_time", "id"]),
            models.Index(fields=["client_id_at_time"]),
            models.Index(fields=["owner_id_at_time", "id"]),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("an audit entry is never edited")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("an audit entry is never deleted")


class AuditHead(models.Model):
    """One row, locked while an entry is appended, so that entries chain in order even when
    many requests write at once (on PostgreSQL as on SQLite)."""

    last_hash = models.CharField(max_length=64)
    entries = models.BigIntegerField(default=0)
