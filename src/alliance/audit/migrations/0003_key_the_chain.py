"""Key an existing audit trail: its entries keep their plain SHA-256 hashes, and one keyed
entry is appended saying how many there are, so that from here on the chain can only be
extended or rewritten with the audit key (see alliance.audit.chain). An empty trail needs
nothing: every entry it will hold is keyed. In production the key must be set before this
runs on a trail with entries (the migration stops with the reason otherwise)."""

from typing import Any

from django.db import migrations
from django.utils import timezone

from alliance.audit.chain import KEYED, KEYING_DETAIL, KEYING_TYPE, entry_hash
from alliance.audit.keys import audit_key


def key_the_chain(apps: Any, schema_editor: Any) -> None:
    entries = apps.get_model("audit", "AuditEvent").objects
    heads = apps.get_model("audit", "AuditHead").objects
    count = entries.count()
    if count == 0 or entries.filter(scheme=KEYED).exists():
        heads.filter(pk=1).update(entries=count)
        return
    last = entries.order_by("-id").first()
    head = heads.filter(pk=1).first()
    detail = KEYING_DETAIL
    if head is None or head.last_hash != last.hash:
        # The evidence of the old check ("the latest entries were removed") would be lost
        # with the head: it is kept in the keyed entry instead.
        detail += "; the stored head did not match the last entry (entries had been removed)"
    marker = entries.model(
        at=timezone.now(), user_id_at_time=None, username="system",
        organization_id_at_time=None, action="update", object_type=KEYING_TYPE,
        object_id=str(count), client_id_at_time=None, owner_id_at_time=None, client_ids=[],
        listed_owners="", free_text=False, fields=["hash"], address="", detail=detail[:200],
        previous_hash=last.hash, scheme=KEYED,
    )  # fmt: skip
    marker.hash = entry_hash(marker, audit_key().secret)
    marker.save()
    heads.update_or_create(pk=1, defaults={"last_hash": marker.hash, "entries": count + 1})


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_keyed_chain")]

    operations = [migrations.RunPython(key_the_chain, migrations.RunPython.noop)]
