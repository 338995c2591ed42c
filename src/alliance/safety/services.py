"""Crisis resources: what a client is shown after a self-harm answer, as the organization's
admin set it (or a general text until then), and keeping a self-harm answer that arrived on a
form refused for another reason."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from alliance.audit.trail import record, record_for_client
from alliance.care.models import (
    HeldSelfHarmAnswer,
    Organization,
    Session,
    SignalAcknowledgement,
    SignalRecord,
)
from alliance.care.services.acknowledgements import AcknowledgementError
from alliance.care.services.caseload import open_held_answers as standing_held_answers
from alliance.care.services.caseload import refresh_attention
from alliance.errors import DomainError, Problem
from alliance.measures import get_definition
from alliance.measures.urgent import UrgentAnswer, urgent_answers

from .models import CrisisResources

# Until an admin sets the organization's own: nothing in it can be wrong in any country.
GENERAL_MESSAGE = (
    "If you might act on thoughts of harming yourself, or you are in danger now, please get "
    "help straight away: call your local emergency number or go to the nearest emergency "
    "department. You do not have to wait for your next session."
)
GENERAL_RESPONSE_TIME = "as soon as they can, which may not be today"
DEFAULT_ESCALATE_MINUTES = 60

# A number a phone can dial: digits, spaces and + ( ) - . only, and at least three digits.
_DIALABLE = re.compile(r"^\+?[0-9 ()\-.]+$")


@dataclass(frozen=True)
class Phone:
    label: str
    number: str

    @property
    def tel(self) -> str:
        """The number as a tel: link wants it (no spaces or punctuation)."""
        return re.sub(r"[^0-9+]", "", self.number)


@dataclass(frozen=True)
class Crisis:
    message: str
    phones: tuple[Phone, ...]
    response_time: str
    configured: bool  # False: the general text, the organization has set none


def crisis_for(organization: Organization | int) -> Crisis:
    """The crisis resources a client of `organization` is shown."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    resources = CrisisResources.objects.filter(organization_id=organization_id).first()
    if resources is None:
        return Crisis(GENERAL_MESSAGE, (), GENERAL_RESPONSE_TIME, configured=False)
    phones = tuple(Phone(p["label"], p["number"]) for p in resources.phones)
    return Crisis(resources.message, phones, resources.response_time, configured=True)


class CrisisResourcesError(DomainError):
    """The crisis resources cannot be saved as given; `problems` name each field."""


def parse_phones(text: str) -> list[dict[str, str]]:
    """ "Label: number" lines (blank lines skipped) as stored; raises on a line that is not."""
    phones = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, colon, dial = line.rpartition(":")
        label, dial = label.strip(), dial.strip()
        digits = sum(ch.isdigit() for ch in dial)
        if not colon or not label or not _DIALABLE.match(dial) or digits < 3:
            raise CrisisResourcesError(
                "bad_phone",
                f"phone line {number} should read 'Name: number' with a number a phone can "
                f"dial, got {line.strip()!r}",
                [Problem("phones", f"line {number}: write it as “Name: number”", "bad_phone")],
            )
        phones.append({"label": label[:100], "number": dial[:40]})
    return phones


def phones_text(phones: list[dict[str, str]]) -> str:
    return "\n".join(f"{p['label']}: {p['number']}" for p in phones)


def save_crisis_resources(
    *,
    organization: Organization,
    by: Any,
    message: str,
    phones: str,
    response_time: str,
    duty_contact_email: str,
    escalate_after_minutes: str | int,
) -> CrisisResources:
    """Set the organization's crisis resources (all fields checked first; nothing half-saved)."""
    problems: list[Problem] = []
    message = message.strip()
    if not message:
        problems.append(Problem("message", "write what a client in crisis should do", "empty"))
    elif len(message) > 2000:
        problems.append(Problem("message", "keep the message under 2,000 characters", "long"))
    response_time = response_time.strip()
    if not response_time:
        problems.append(Problem("response_time", "say when the clinician sees the answers "
                                "(e.g. 'within one working day')", "empty"))  # fmt: skip
    elif len(response_time) > 200:
        problems.append(Problem("response_time", "keep it under 200 characters", "long"))
    duty_contact_email = duty_contact_email.strip()
    if duty_contact_email:
        try:
            validate_email(duty_contact_email)
        except ValidationError:
            problems.append(Problem("duty_contact_email", "that is not an email address",
                                    "bad_email"))  # fmt: skip
    try:
        minutes = int(str(escalate_after_minutes).strip())
    except ValueError:
        minutes = -1
    if not 5 <= minutes <= 7 * 24 * 60:
        problems.append(Problem("escalate_after_minutes",
                                "give a whole number of minutes from 5 to 10080 (a week)",
                                "bad_minutes"))  # fmt: skip
    try:
        phone_list = parse_phones(phones)
    except CrisisResourcesError as exc:
        problems += exc.problems
        phone_list = []
    if problems:
        raise CrisisResourcesError("invalid", problems[0].message, problems)
    with transaction.atomic():
        resources, created = CrisisResources.objects.update_or_create(
            organization=organization,
            defaults={
                "message": message,
                "phones": phone_list,
                "response_time": response_time,
                "duty_contact_email": duty_contact_email,
                "escalate_after_minutes": minutes,
                "updated_by": by,
            },
        )
        record("create" if created else "update", resources, organization_id=organization.pk,
               fields=["message", "phones", "response_time", "duty_contact_email",
                       "escalate_after_minutes"])  # fmt: skip
    return resources


def urgent_in(forms: Mapping[str, Mapping[str, Any]]) -> list[UrgentAnswer]:
    """Every urgent answer among a submission's forms, scorable or not."""
    return [found for name, answers in forms.items() for found in urgent_answers(name, answers)]


def hold_urgent_answers(
    *, session: Session, found: list[UrgentAnswer], via: str
) -> list[HeldSelfHarmAnswer]:
    """Keep urgent answers of a form that was refused, so they reach the clinician anyway.

    One row per session and item (a second refused try updates it to the highest answer),
    audited, and the clinician alerted once the row has committed.
    """
    held = []
    raised = set(
        SignalRecord.objects.in_force()
        .filter(episode_id=session.episode_id, session_number=session.number)
        .values_list("kind", "instrument")
    )
    with transaction.atomic():
        for answer in found:
            if (answer.flag, answer.instrument) in raised:
                continue  # a stored form of this session already raised it (a second tap)
            row, created = HeldSelfHarmAnswer.objects.select_for_update().get_or_create(
                session=session, instrument=answer.instrument, item=answer.item,
                defaults={"value": answer.value, "via": via},
            )  # fmt: skip
            if not created and answer.value > row.value:
                row.value = answer.value
                row.save(update_fields=["value"])
            record_for_client("create" if created else "update", row, session.episode.client,
                              fields=["instrument", "item", "value", "via"])  # fmt: skip
            held.append(row)
        if held:
            refresh_attention([session.episode.client_id])
            transaction.on_commit(lambda: _alert(session))
    return held


def keep_and_help(session: Session, found: list[UrgentAnswer], via: str) -> Crisis | None:
    """Forms not stored (refused, sent twice, on a closed link) that carry urgent answers:
    the answers are kept and the crisis resources the client is shown are returned; None
    when there is no urgent answer."""
    if not found:
        return None
    hold_urgent_answers(session=session, found=found, via=via)
    return crisis_for(session.episode.client.organization_id)


def _alert(session: Session) -> None:
    # The notification itself runs outside the request (its own module decides how).
    from alliance.notify.services import alert_urgent

    alert_urgent(session=session, cause="self_harm_answer_on_a_refused_form")


def open_held_answers(session: Session | None = None, client_id: int | None = None) -> list[Any]:
    """Held self-harm answers of a session (or of a client) that still stand."""
    held = standing_held_answers().select_related("session")
    if session is not None:
        held = held.filter(session=session)
    if client_id is not None:
        held = held.filter(session__episode__client_id=client_id)
    return list(held.order_by("session__number", "pk"))


def acknowledge_held_answer(
    *, held: HeldSelfHarmAnswer, action: str, note: str, user: Any
) -> SignalAcknowledgement:
    """What was done about a held self-harm answer: recorded as for the safety signal it
    stands for (the same kind and session), so the signal of a form sent complete later in
    the session is answered by the same note, and the escalation stops."""
    if action not in SignalAcknowledgement.Action.values:
        raise AcknowledgementError("unknown_action", f"unknown action {action!r}")
    note = note.strip()
    if not note:
        raise AcknowledgementError("note_needed", "say what was done: a safety answer needs a note")
    episode = held.session.episode
    with transaction.atomic():
        acknowledgement = SignalAcknowledgement.objects.create(
            episode=episode, session_number=held.session.number, kind="self_harm_risk",
            instrument=held.instrument, action=action, note=note[:4000], recorded_by=user,
        )  # fmt: skip
        record_for_client("create", acknowledgement, episode.client, fields=["action", "note"])
        refresh_attention([episode.client_id])
    return acknowledgement


@dataclass(frozen=True)
class HeldRow:
    pk: int
    session_pk: int
    session_number: int
    answer_label: str  # the answer as the client read it, e.g. "More than half the days"


def held_answer_rows(session: Session | None = None, client_id: int | None = None) -> list[HeldRow]:
    """Open held answers as a page shows them."""
    rows = []
    for held in open_held_answers(session, client_id):
        points = {p.value: p.label for p in get_definition(held.instrument).scale.points}
        label = points.get(held.value, str(held.value))
        rows.append(HeldRow(held.pk, held.session_id, held.session.number, label))
    return rows
