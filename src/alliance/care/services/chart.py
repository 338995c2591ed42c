"""A client's record laid out by session for the chart page: one query per table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import Administration, Client, SignalAcknowledgement, SignalRecord
from .acknowledgements import with_acknowledgement

COLUMNS = ("srs", "phq-9", "gad-7", "ors", "wai-sr")


@dataclass
class SessionRow:
    number: int
    held_on: Any
    totals: dict[str, float] = field(default_factory=dict)
    signals: list[SignalRecord] = field(default_factory=list)
    values: list[float | None] = field(default_factory=list)

    def cells(self, columns: tuple[str, ...]) -> list[float | None]:
        return [self.totals.get(name) for name in columns]


def client_chart(client: Client) -> dict[str, Any]:
    administrations = (
        Administration.objects.filter(session__episode__client=client, amended_by__isnull=True)
        .select_related("session")
        .order_by("session__number")
    )
    rows: dict[int, SessionRow] = {}
    for a in administrations:
        row = rows.setdefault(a.session.number, SessionRow(a.session.number, a.session.held_on))
        row.totals[a.instrument] = a.total
    urgent_open = []
    for signal in with_acknowledgement(SignalRecord.objects.filter(episode__client=client)):
        if signal.session_number in rows:
            rows[signal.session_number].signals.append(signal)
        if signal.severity == "urgent" and not signal.acknowledged:
            urgent_open.append(signal)
    acknowledgements: dict[tuple[int, str, str], list[SignalAcknowledgement]] = {}
    for ack in SignalAcknowledgement.objects.filter(episode__client=client).select_related(
        "recorded_by"
    ):
        acknowledgements.setdefault((ack.session_number, ack.kind, ack.instrument), []).append(ack)
    for row in rows.values():
        for signal in row.signals:
            signal.records = acknowledgements.get(  # type: ignore[attr-defined]
                (signal.session_number, signal.kind, signal.instrument), []
            )
    ordered = [rows[n] for n in sorted(rows)]
    # Only the measures this client fills: a narrow table reads on a phone.
    columns = tuple(name for name in COLUMNS if any(name in row.totals for row in ordered))
    for row in ordered:
        row.values = row.cells(columns)
    return {"columns": columns, "rows": ordered, "urgent_open": urgent_open}
