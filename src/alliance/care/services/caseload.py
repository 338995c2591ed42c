"""What a clinician's caseload page needs: their clients, ordered by what needs attention:
a safety signal not yet acted on first, then clients whose latest session raised a warning
(by its most pressing signal, in the monitoring core's order), then the rest, by code.

Each client's place (`attention`, its headline and the others grouped under it) is worked
out here once, from their signals, and stored on the client whenever those change
(`refresh_attention`: the signals refreshed, a signal acted on, a session started). The page
is then one ordered, indexed query that builds only the rows it shows, whatever the size of
the caseload. The columns beside the flags (the latest session's date, the latest SRS and
outcome scores) are stored with them (`caseload_columns`).

A search by code and a filter by flag (`caseload_filter`) narrow that same query: both are
conditions on the client's own row, read within the clinician's part of the `caseload_order`
index (clinician, organization, attention, headline_rank, code), so a narrowed page is still
one query (and its count), in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet

from alliance.errors import DomainError
from alliance.monitoring.priority import KIND_ORDER, pressing_order

from ..labels import signal_label
from ..models import (
    Client,
    HeldSelfHarmAnswer,
    Organization,
    SignalAcknowledgement,
    SignalRecord,
)
from .caseload_columns import caseload_columns

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


def pressing_signals(
    clients: QuerySet[Client], current_episode_ids: Iterable[int]
) -> QuerySet[SignalRecord]:
    """The signals the rule reads: of the latest session with forms (flagged `current` when
    they are computed) of each client's current episode, and any safety signal not yet acted
    on, of any episode. An ended episode's warnings no longer weigh (the client is not in
    treatment); a safety signal never stops weighing until it is acted on."""
    return (
        SignalRecord.objects.in_force()
        .with_acknowledgement()
        .filter(episode__client__in=clients)
        .filter(
            Q(current=True, episode__in=list(current_episode_ids), episode__ended_on__isnull=True)
            | Q(severity="urgent", acknowledged=False)
        )
        .only("kind", "severity", "instrument", "episode__client_id")
        .select_related("episode")
    )


def open_held_answers() -> QuerySet[HeldSelfHarmAnswer]:
    """The one rule for a self-harm answer held from a refused form: it stands until a note
    says what was done (an acknowledgement of kind self_harm_risk at its session), or until a
    form of that session sent complete raises the signal itself, which then carries it."""
    at_its_session = {
        "episode": OuterRef("session__episode"),
        "session_number": OuterRef("session__number"),
        "kind": "self_harm_risk",
    }
    acted_on = SignalAcknowledgement.objects.filter(**at_its_session)
    raised = SignalRecord.objects.in_force().filter(**at_its_session)
    return HeldSelfHarmAnswer.objects.exclude(Exists(acted_on)).exclude(Exists(raised))


def held_answer_signals(client_ids: list[int]) -> list[tuple[int, SignalRecord]]:
    """A self-harm answer held from a refused form, not yet acted on, weighs on the caseload
    as the safety signal it would have raised had the form been complete."""
    held = open_held_answers().filter(session__episode__client_id__in=client_ids)
    pressing = []
    for client_id, instrument in held.values_list("session__episode__client_id", "instrument"):
        signal = SignalRecord(kind="self_harm_risk", severity="urgent", instrument=instrument)
        signal.acknowledged = False
        pressing.append((client_id, signal))
    return pressing


def refresh_attention(client_ids: Iterable[int]) -> None:
    """Store each client's place on the caseload and its columns (`caseload_columns`) anew."""
    ids = list(client_ids)
    columns = caseload_columns(ids)
    current = [c.episode_id for c in columns.values() if c.episode_id is not None]
    by_client: dict[int, list[SignalRecord]] = {pk: [] for pk in ids}
    for signal in pressing_signals(Client.objects.filter(pk__in=ids), current):
        by_client[signal.episode.client_id].append(signal)
    for client_id, signal in held_answer_signals(ids):
        by_client[client_id].append(signal)
    for pk, signals in by_client.items():
        status = attention_of(signals)
        shown = columns[pk]
        Client.objects.filter(pk=pk).update(
            attention=status.attention,
            headline_rank=status.headline_rank,
            headline_kind=status.headline_kind,
            headline_severity=status.headline_severity,
            also_kinds=status.also_kinds,
            last_session=shown.last_session,
            last_session_on=shown.last_session_on,
            latest_srs=shown.latest_srs,
            latest_outcomes=shown.latest_outcomes,
            episode_ended_on=shown.episode_ended_on,
        )


# What the caseload's flag filter offers besides a signal kind: by the client's place.
FLAG_FILTERS = {"safety": 0, "warning": 1, "none": 2}
CASELOAD_FIELDS = ("code", "attention", "headline_kind", "headline_severity", "also_kinds",
                   "last_session", "last_session_on", "latest_srs", "latest_outcomes",
                   "episode_ended_on")  # fmt: skip


@dataclass(frozen=True)
class CaseloadFilter:
    """What the clinician narrowed the caseload to: a code (or part of one, any case; from
    its start with `prefix`) and a flag: "safety" (a safety answer not acted on), "warning"
    (a warning at the latest session), "none" (nothing pressing) or a signal kind, pressing
    as the headline or among the others."""

    code: str = ""
    prefix: bool = False
    flag: str = ""

    @property
    def active(self) -> bool:
        return bool(self.code or self.flag)

    def apply(self, rows: QuerySet[Client]) -> QuerySet[Client]:
        if self.code:
            lookup = "code__istartswith" if self.prefix else "code__icontains"
            rows = rows.filter(**{lookup: self.code})
        if self.flag in FLAG_FILTERS:
            rows = rows.filter(attention=FLAG_FILTERS[self.flag])
        elif self.flag:
            # also_kinds is a JSON list of kinds: its text holds each as "kind", quoted, which
            # a kind's name (letters and underscores) matches only as itself.
            rows = rows.filter(
                Q(headline_kind=self.flag) | Q(also_kinds__icontains=f'"{self.flag}"')
            )
        return rows


class CaseloadFilterError(DomainError):
    """Codes: bad_code_search, bad_flag."""


# A search is part of a code: the characters a code may hold (`clients.CODE`).
CODE_PART = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def caseload_filter(*, code: str = "", match: str = "", flag: str = "") -> CaseloadFilter:
    """The filter a caseload page asked for, checked; `match` "prefix" searches from the
    code's start, anything else anywhere in it."""
    code = code.strip()
    if code and not CODE_PART.match(code):
        raise CaseloadFilterError(
            "bad_code_search",
            "search with part of a client code: up to 40 letters, digits, '-', '_' or '.'",
        )
    if flag and flag not in FLAG_FILTERS and flag not in KIND_ORDER:
        raise CaseloadFilterError("bad_flag", "choose a flag from the list to filter by")
    return CaseloadFilter(code=code, prefix=match == "prefix", flag=flag)


def flag_choices() -> list[tuple[str, str]]:
    """The flag filter's choices: by place on the caseload, then each signal kind."""
    places = [("safety", "A safety answer not acted on"), ("warning", "A warning today"),
              ("none", "Nothing pressing")]  # fmt: skip
    return places + [(kind, signal_label(kind)) for kind in KIND_ORDER]


def clinician_caseload(
    user: User, organization: Organization | None = None, narrowed: CaseloadFilter | None = None
) -> QuerySet[Client]:
    """The user's own clients (of `organization` when given), most pressing first (then by
    code), narrowed by `narrowed`: an ordered query, for a page at a time."""
    own = Client.objects.filter(clinician=user)
    if organization is not None:
        own = own.filter(organization=organization)
    if narrowed is not None:
        own = narrowed.apply(own)
    return own.order_by("attention", "headline_rank", "code").only(*CASELOAD_FIELDS)
