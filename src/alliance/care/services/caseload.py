"""What a clinician's caseload page needs: their clients, ordered by what needs attention:
a safety signal not yet acted on first, then clients whose latest session raised a warning
(by its most pressing signal, in the monitoring core's order), then the rest, by code.

Each client's place (`attention`, its headline and the others grouped under it) is worked
out here once, from their signals, and stored on the client whenever those change
(`refresh_attention`: the signals refreshed, a signal acted on, a session started). The page
is then one ordered, indexed query that builds only the rows it shows, whatever the size of
the caseload.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from alliance.monitoring.priority import KIND_ORDER, pressing_order

from ..models import (
    Client,
    HeldSelfHarmAnswer,
    Organization,
    SignalAcknowledgement,
    SignalRecord,
)

NO_HEADLINE = 99


@dataclass(frozen=True)
class Attention:
    attention: int  # 0 a safety signal not acted on, 1 a warning today, 2 nothing pressing
    headline_rank: int
    headline_kind: str
    headline_severity: str
    also_kinds: list[str]


def attention_of(signals: Iterable[SignalRecord]) -> Attention:
    """The one rule. `signals`: the client's signals of their latest session with forms and
    any safety signal, annotated `acknowledged`. What is pressing: a safety signal or a
    warning not yet acted on; `info`, and anything the clinician has recorded an action on
    (a note, or a rupture recorded for a possible rupture), are not."""
    pressing = sorted(
        (s for s in signals if s.severity in ("warning", "urgent") and not s.acknowledged),
        key=pressing_order,
    )
    if not pressing:
        return Attention(2, NO_HEADLINE, "", "", [])
    headline = pressing[0]
    # The others by kind, each once, the headline's kind not again.
    also = [kind for kind in dict.fromkeys(s.kind for s in pressing[1:]) if kind != headline.kind]
    rank = KIND_ORDER.index(headline.kind) if headline.kind in KIND_ORDER else len(KIND_ORDER)
    return Attention(
        attention=0 if headline.severity == "urgent" else 1,
        headline_rank=rank,
        headline_kind=headline.kind,
        headline_severity=headline.severity,
        also_kinds=also,
    )


def pressing_signals(clients: QuerySet[Client]) -> QuerySet[SignalRecord]:
    """The signals the rule reads: of each client's latest session with forms (flagged
    `current` when they are computed), and any safety signal not yet acted on."""
    return (
        SignalRecord.objects.in_force()
        .with_acknowledgement()
        .filter(episode__client__in=clients)
        .filter(Q(current=True) | Q(severity="urgent", acknowledged=False))
        .only("kind", "severity", "instrument", "episode__client_id")
        .select_related("episode")
    )


def held_answer_signals(client_ids: list[int]) -> list[tuple[int, SignalRecord]]:
    """A self-harm answer held from a refused form, not yet acted on, weighs on the caseload
    as the safety signal it would have raised had the form been complete."""
    acted_on = SignalAcknowledgement.objects.filter(
        episode=OuterRef("session__episode"),
        session_number=OuterRef("session__number"),
        kind="self_harm_risk",
    )
    held = (
        HeldSelfHarmAnswer.objects.filter(session__episode__client_id__in=client_ids)
        .exclude(Exists(acted_on))
        .values_list("session__episode__client_id", "instrument")
    )
    pressing = []
    for client_id, instrument in held:
        signal = SignalRecord(kind="self_harm_risk", severity="urgent", instrument=instrument)
        signal.acknowledged = False
        pressing.append((client_id, signal))
    return pressing


def refresh_attention(client_ids: Iterable[int]) -> None:
    """Store each client's place on the caseload (and latest session number) anew."""
    ids = list(client_ids)
    by_client: dict[int, list[SignalRecord]] = {pk: [] for pk in ids}
    for signal in pressing_signals(Client.objects.filter(pk__in=ids)):
        by_client[signal.episode.client_id].append(signal)
    for client_id, signal in held_answer_signals(ids):
        by_client[client_id].append(signal)
    sessions = dict(
        Client.objects.filter(pk__in=ids)
        .annotate(latest=Max("episodes__sessions__number"))
        .values_list("pk", "latest")
    )
    for pk, signals in by_client.items():
        status = attention_of(signals)
        Client.objects.filter(pk=pk).update(
            attention=status.attention,
            headline_rank=status.headline_rank,
            headline_kind=status.headline_kind,
            headline_severity=status.headline_severity,
            also_kinds=status.also_kinds,
            last_session=sessions.get(pk),
        )


def clinician_caseload(user: User, organization: Organization | None = None) -> QuerySet[Client]:
    """The user's own clients (of `organization` when given), most pressing first (then by
    code): an ordered query, for a page at a time."""
    own = Client.objects.filter(clinician=user)
    if organization is not None:
        own = own.filter(organization=organization)
    return own.order_by("attention", "headline_rank", "code").only(
        "code", "attention", "headline_kind", "headline_severity", "also_kinds", "last_session"
    )
