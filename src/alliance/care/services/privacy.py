"""A client's record out (export, for access requests and transfers) and erasure (for a
deletion request once the retention period allows it).

Erasure removes every clinical row of the client; the audit trail keeps its entries, which
name the client only by id, and gains one saying who erased the record and when.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.audit.trail import record_for_client
from alliance.errors import DomainError
from alliance.progress.models import ProgressLink, ProgressSharing

from ..measure_plan import MeasurePlan
from ..models import (
    Administration,
    Client,
    Episode,
    FormLink,
    HeldSelfHarmAnswer,
    RepairStep,
    Rupture,
    Session,
    SignalAcknowledgement,
    SignalRecord,
)

FORMAT = "alliance-monitor client record 1"


class ErasureError(DomainError):
    """An erasure not confirmed: nothing is erased."""


def export_client(client: Client) -> dict[str, Any]:
    """Everything held about the client, as JSON-ready data (link tokens are never held)."""
    episodes = Episode.objects.filter(client=client)
    data = {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "client": {"id": client.pk, "code": client.code, "created_at": _iso(client.created_at)},
        "episodes": _rows(episodes, ["id", "started_on", "ended_on", "measure_plan"]),
        "sessions": _rows(Session.objects.filter(episode__client=client).order_by("number"),
                          ["id", "episode_id", "number", "held_on"]),
        "administrations": _rows(
            Administration.objects.filter(session__episode__client=client).order_by("id"),
            ["id", "session_id", "instrument", "respondent", "score", "total", "submitted_at",
             "amends_id", "amendment_reason", "entered_by_id"]),
        "signals": _rows(SignalRecord.objects.filter(episode__client=client),
                         ["episode_id", "session_number", "kind", "instrument", "severity",
                          "rule", "evidence", "explanation", "suggested_action"]),
        "acknowledgements": _rows(SignalAcknowledgement.objects.filter(episode__client=client),
                                  ["episode_id", "session_number", "kind", "instrument",
                                   "action", "note", "recorded_by_id", "recorded_at"]),
        "ruptures": _rows(Rupture.objects.filter(episode__client=client),
                          ["id", "episode_id", "session_number", "rupture_type", "noticed_via",
                           "markers", "description", "outcome", "outcome_session",
                           "outcome_note", "recorded_by_id", "recorded_at"]),
        "repair_steps": _rows(RepairStep.objects.filter(rupture__episode__client=client),
                              ["rupture_id", "step", "session_number", "note",
                               "recorded_by_id", "recorded_at"]),
        "links": _rows(FormLink.objects.filter(session__episode__client=client),
                       ["session_id", "instruments", "created_at", "expires_at", "used_at",
                        "revoked_at"]),
        "held_answers": _rows(HeldSelfHarmAnswer.objects.filter(session__episode__client=client),
                              ["session_id", "instrument", "item", "value", "via",
                               "received_at"]),
        "progress_sharing": _rows(ProgressSharing.objects.filter(client=client),
                                  ["enabled", "changed_by_id", "changed_at"]),
        "progress_links": _rows(ProgressLink.objects.filter(client=client),
                                ["created_at", "created_by_id", "expires_at", "revoked_at"]),
    }  # fmt: skip
    record_for_client("export", client, client, detail="full record (JSON)")
    return data


def erase_client(*, client: Client, confirm_code: str) -> int:
    """Delete the client's whole record; returns the number of rows removed. The code must
    be typed again, so that no erasure happens by a slip."""
    if confirm_code.strip() != client.code:
        raise ErasureError("not_confirmed", "type the client's code exactly to confirm the erasure")
    removed = 0
    with transaction.atomic():
        record_for_client("erase", client, client, detail="whole record erased")
        removed += _delete(RepairStep.objects.filter(rupture__episode__client=client))
        removed += _delete(Rupture.objects.filter(episode__client=client))
        removed += _delete(SignalAcknowledgement.objects.filter(episode__client=client))
        removed += _delete(SignalRecord.objects.filter(episode__client=client))
        removed += _delete(FormLink.objects.filter(session__episode__client=client))
        # Administrations refuse to be deleted one by one (they are never edited); erasure
        # removes them in bulk, corrections before the forms they correct.
        forms = Administration.objects.filter(session__episode__client=client)
        for form_id in forms.order_by("-id").values_list("id", flat=True):
            removed += _delete(Administration.objects.filter(pk=form_id))
        removed += _delete(Session.objects.filter(episode__client=client))
        removed += _delete(Episode.objects.filter(client=client))
        removed += _delete(Client.objects.filter(pk=client.pk))
    return removed


def _delete(rows: Any) -> int:
    count, _by_model = rows.delete()
    return int(count)


def _rows(queryset: Any, fields: list[str]) -> list[dict[str, Any]]:
    return [{k: _json(v) for k, v in row.items()} for row in queryset.values(*fields)]


def _json(value: Any) -> Any:
    if isinstance(value, MeasurePlan):
        return value.as_json()
    return _iso(value) if hasattr(value, "isoformat") else value


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
