"""What a clinician's caseload page needs: their clients, ordered by what needs attention:
a safety signal not yet acted on first, then clients whose latest session raised a warning
(by its most pressing signal, in the monitoring core's order), then the rest, by code.

A fixed number of queries whatever the size of the caseload: the clients with their latest
session, then the signals of each client's latest session with forms (flagged `current` when
they are computed) and any safety signal not yet acted on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Max, Q

from alliance.monitoring.priority import pressing_order

from ..models import Client, Organization, SignalRecord
from .acknowledgements import with_acknowledgement


@dataclass
class CaseloadRow:
    client: Client
    last_session: int | None
    signals: list[SignalRecord] = field(default_factory=list)

    @property
    def pressing(self) -> list[SignalRecord]:
        """What needs the clinician, most pressing first (the monitoring core's order): a
        safety signal not yet acted on, and the warnings of the latest session with forms.
        A safety signal already acted on, and `info`, are not pressing."""
        shown = [
            s
            for s in self.signals
            if s.severity == "warning" or (s.severity == "urgent" and not s.acknowledged)
        ]
        return sorted(shown, key=pressing_order)

    @property
    def headline(self) -> SignalRecord | None:
        pressing = self.pressing
        return pressing[0] if pressing else None

    @property
    def also(self) -> list[str]:
        """The other pressing signals, by name (each name once, the headline's not again),
        grouped under the headline."""
        pressing = self.pressing
        if not pressing:
            return []
        names = dict.fromkeys(s.label for s in pressing[1:])
        names.pop(pressing[0].label, None)
        return list(names)

    @property
    def attention(self) -> int:
        """0 a safety signal not yet acted on, 1 a warning today, 2 nothing pressing."""
        headline = self.headline
        if headline is None:
            return 2
        return 0 if headline.severity == "urgent" else 1

    def order(self) -> tuple[object, ...]:
        headline = self.headline
        rank = pressing_order(headline) if headline is not None else (9, 0, "")
        return (self.attention, rank, self.client.code)


def clinician_caseload(user: User, organization: Organization | None = None) -> list[CaseloadRow]:
    """The user's own clients (of `organization` when given), most pressing first (then by
    code)."""
    own = Client.objects.filter(clinician=user)
    if organization is not None:
        own = own.filter(organization=organization)
    clients = list(own.annotate(last_session=Max("episodes__sessions__number")).order_by("code"))
    rows = {c.pk: CaseloadRow(c, c.last_session) for c in clients}
    # The signals of each client's latest session with forms, and any safety signal not yet
    # acted on, whenever it was raised: it stays at the top until the clinician records
    # what was done.
    signals = (
        with_acknowledgement(SignalRecord.objects.in_force().filter(episode__client__in=own))
        .filter(Q(current=True) | Q(severity="urgent", acknowledged=False))
        # Only what the page shows: evidence and texts are not read (nor decoded).
        .only("kind", "severity", "instrument", "episode__client_id")
        .select_related("episode")
    )
    for signal in signals:
        rows[signal.episode.client_id].signals.append(signal)
    return sorted(rows.values(), key=CaseloadRow.order)
