"""What a clinician's caseload page needs: their clients, ordered by what needs attention.

A fixed number of queries whatever the size of the caseload: the clients with their latest
session, then the signals of each client's latest session with forms (flagged `current` when
they are computed) and any safety signal not yet acted on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Max, Q

from ..models import Client, Organization, SignalRecord
from .acknowledgements import with_acknowledgement

ALLIANCE_KINDS = {"alliance_concern", "alliance_drop", "possible_rupture",
                  "sustained_low_alliance", "alliance_symptom_divergence"}  # fmt: skip


@dataclass
class CaseloadRow:
    client: Client
    last_session: int | None
    signals: list[SignalRecord] = field(default_factory=list)

    @property
    def attention(self) -> int:
        """0 urgent, 1 alliance concern or rupture, 2 not on track, 3 nothing pressing."""
        kinds = {s.kind for s in self.signals}
        if any(s.severity == "urgent" and not s.acknowledged for s in self.signals):
            return 0
        if kinds & ALLIANCE_KINDS:
            return 1
        if "not_on_track" in kinds or "reliable_deterioration" in kinds:
            return 2
        return 3

    @property
    def headline(self) -> list[str]:
        return sorted(
            {
                s.kind.replace("_", " ")
                for s in self.signals
                if s.severity == "warning" or (s.severity == "urgent" and not s.acknowledged)
            }
        )


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
        .only("kind", "severity", "episode__client_id")
        .select_related("episode")
    )
    for signal in signals:
        rows[signal.episode.client_id].signals.append(signal)
    return sorted(rows.values(), key=lambda row: (row.attention, row.client.code))
