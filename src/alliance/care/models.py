"""The clinical record: organizations, clients, episodes, sessions, administrations, and the
signals derived from them.

An administration is immutable once stored: its answers and the score computed at that
moment. A correction is a new administration that `amends` the old one. Signals are derived
(recomputable from the administrations): a signal that still holds keeps its identity when
they are recomputed, and one that no longer holds is retired, with when and why.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from .fields import MeasurePlanField
from .labels import signal_label
from .measure_plan import MeasurePlan


def default_measure_plan() -> dict[str, Any]:
    # As JSON: earlier migrations' plain JSONField takes this default too.
    return MeasurePlan.default().as_json()


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        CLINICIAN = "clinician"
        SUPERVISOR = "supervisor"
        ADMIN = "admin"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_membership")
        ]


class Supervision(models.Model):
    """A supervisor reads (never changes) the caseloads of the clinicians they supervise."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervisees_links"
    )
    supervisee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervisors_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "supervisee"], name="one_supervision")
        ]


class Client(models.Model):
    """A pseudonymous code; no name is needed or kept."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="clients")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clients"
    )
    code = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the caseload shows, kept up to date whenever the client's signals are refreshed,
    # a signal is acted on or a session starts (services.caseload.refresh_attention), so the
    # caseload page is one ordered, limited query. Derived: recomputable from the signals.
    # 0 a safety signal not acted on, 1 a warning at the latest session with forms, 2 none.
    attention = models.PositiveSmallIntegerField(default=2)
    # The headline's place in the monitoring core's order of kinds (99: no headline).
    headline_rank = models.PositiveSmallIntegerField(default=99)
    headline_kind = models.CharField(max_length=40, blank=True)
    headline_severity = models.CharField(max_length=10, blank=True)
    also_kinds = models.JSONField(default=list)
    # Of the current episode (the open one, else the latest): its latest session, that
    # session's date, the latest SRS total and the latest score of each outcome measure of its
    # plan ({"instrument", "label", "total", "shown", "band"}), and when it ended, if it has.
    last_session = models.PositiveIntegerField(null=True, blank=True)
    last_session_on = models.DateField(null=True, blank=True)
    latest_srs = models.FloatField(null=True, blank=True)
    latest_outcomes = models.JSONField(default=list)
    episode_ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="client_code_unique")
        ]
        indexes = [
            models.Index(
                fields=["clinician", "organization", "attention", "headline_rank", "code"],
                name="caseload_order",
            )
        ]

    @property
    def headline_label(self) -> str:
        return signal_label(self.headline_kind)

    @property
    def also_labels(self) -> list[str]:
        return [signal_label(kind) for kind in self.also_kinds]

    def __str__(self) -> str:
        return self.code


class Episode(models.Model):
    """One course of treatment with its measure plan."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="episodes")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    measure_plan = MeasurePlanField(default=default_measure_plan)


class Session(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveIntegerField()
    held_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="session_number_unique")
        ]
        ordering = ["number"]


class ImmutableError(Exception):
    """An attempt to edit or delete a stored administration."""


class Administration(models.Model):
    """One filled form, never edited: a correction is a new row that `amends` this one."""

    class Respondent(models.TextChoices):
        CLIENT = "client"
        THERAPIST = "therapist"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="administrations")
    instrument = models.CharField(max_length=20)
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    # The whole Score as computed when stored (answers included): `Score.to_record()`.
    score = models.JSONField()
    total = models.FloatField()
    submitted_at = models.DateTimeField(auto_now_add=True)
    # Set by the form: a retry or double tap with the same key stores nothing new.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    amends = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amended_by"
    )
    # Why a correction was made, and who entered a form (none when the client sent it).
    amendment_reason = models.TextField(blank=True, max_length=1000)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    # "paper": the client filled it on paper and `entered_by` typed it in.
    entered_from = models.CharField(max_length=10, blank=True)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableError("an administration is never edited; store an amendment")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("an administration is never deleted")


class SignalQuerySet(models.QuerySet["SignalRecord"]):
    def in_force(self) -> SignalQuerySet:
        """The signals that still hold (not retired by a later recompute)."""
        return self.filter(retired_at__isnull=True)

    def with_acknowledgement(self) -> SignalQuerySet:
        """Annotate `acknowledged` (True once the clinician recorded what was done)."""
        # SignalRecord declares the attribute (so readers of these signals type-check); the
        # stubs' plugin sees the annotation as a second definition.
        return self.annotate(  # type: ignore[no-redef]
            acknowledged=models.Exists(
                SignalAcknowledgement.objects.filter(
                    episode=models.OuterRef("episode"),
                    session_number=models.OuterRef("session_number"),
                    kind=models.OuterRef("kind"),
                    instrument=models.OuterRef("instrument"),
                )
            )
        )


class SignalRecord(models.Model):
    """A signal the monitoring engine raised. Its identity (episode, session, kind,
    instrument) outlives recomputes, so what a clinician records about it is never orphaned;
    one that no longer holds is retired, not deleted."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="signals")
    session_number = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    instrument = models.CharField(max_length=20)
    severity = models.CharField(max_length=10)
    rule = models.TextField()
    evidence = models.JSONField()
    explanation = models.TextField()
    suggested_action = models.TextField()
    # Raised at the episode's latest session with forms: what the caseload shows. (A session
    # just started, with no forms yet, keeps the previous session's signals in view.)
    current = models.BooleanField(default=False)
    computed_at = models.DateTimeField(auto_now=True)
    # Set when a recompute no longer raises it (a correction, a later form, a refit).
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_reason = models.CharField(max_length=200, blank=True)

    objects = SignalQuerySet.as_manager()
    # Set on a signal read through `SignalQuerySet.with_acknowledgement` (a query
    # annotation) and by the chart (what was recorded about it); not columns.
    acknowledged: bool
    records: list[SignalAcknowledgement]

    class Meta:
        ordering = ["session_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "session_number", "kind", "instrument"], name="one_signal"
            )
        ]

    @property
    def label(self) -> str:
        return signal_label(self.kind)


class FormLink(models.Model):
    """A single-use, expiring link that opens one session's forms on the client's phone.

    Only a hash of the token is stored: a copy of the database opens no forms.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    instruments = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class SignalAcknowledgement(models.Model):
    """What the clinician did about a signal. Signals are recomputed; this is not, so it
    names its signal by episode, session, kind and instrument."""

    class Action(models.TextChoices):
        DISCUSSED = "discussed", "Discussed with the client"
        ADJUSTED = "adjusted", "Approach adjusted"
        SAFETY = "safety", "Risk assessed / safety plan"
        REFERRED = "referred", "Referred"
        SUPERVISION = "supervision", "Taken to supervision"
        NO_ACTION = "no_action", "Reviewed, no action needed"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="acknowledgements")
    session_number = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    instrument = models.CharField(max_length=20)
    action = models.CharField(max_length=20, choices=Action.choices)
    note = models.TextField(blank=True, max_length=4000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at"]


class Rupture(models.Model):
    """A rupture as the clinician judged it: its type is clinical judgement (the scores can
    only suggest that something happened), how it was noticed and how it showed, the repair
    steps taken (`RepairStep`) and the outcome."""

    class Type(models.TextChoices):
        WITHDRAWAL = "withdrawal", "Withdrawal (the client moves away)"
        CONFRONTATION = "confrontation", "Confrontation (the client moves against)"
        UNCLEAR = "unclear", "Unclear"

    class NoticedVia(models.TextChoices):
        SCORES = "scores", "From the scores"
        IN_SESSION = "in_session", "In the session"
        CLIENT = "client", "The client raised it"
        SUPERVISION = "supervision", "In supervision or a recording"

    class Outcome(models.TextChoices):
        OPEN = "open", "Open (repair under way)"
        RESOLVED = "resolved", "Resolved"
        PARTLY = "partly", "Partly resolved"
        UNRESOLVED = "unresolved", "Unresolved"
        ENDED = "ended", "Client ended treatment"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="ruptures")
    session_number = models.PositiveIntegerField()
    rupture_type = models.CharField(max_length=20, choices=Type.choices)
    noticed_via = models.CharField(max_length=20, choices=NoticedVia.choices)
    # Marker ids from `services.ruptures.MARKERS` for the type.
    markers = models.JSONField(default=list)
    description = models.TextField(blank=True, max_length=4000)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    outcome_session = models.PositiveIntegerField(null=True, blank=True)
    outcome_note = models.TextField(blank=True, max_length=4000)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Set by the chart when it lays out the record; not columns.
    step_list: list[RepairStep]
    steps_done: set[str]
    marker_labels: list[str]

    class Meta:
        ordering = ["session_number", "id"]


class RepairStep(models.Model):
    """One step of repair (after Safran & Muran): notice the rupture, mark it explicitly with
    the client, explore the client's experience of it. Each step once per rupture."""

    class Step(models.TextChoices):
        NOTICED = "noticed", "Noticed"
        MARKED = "marked", "Marked with the client"
        EXPLORED = "explored", "Explored the client's experience"

    rupture = models.ForeignKey(Rupture, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=20, choices=Step.choices)
    session_number = models.PositiveIntegerField()
    note = models.TextField(blank=True, max_length=4000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session_number", "recorded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["rupture", "step"], name="one_step_each")]


class CaseloadReference(models.Model):
    """The organization's expected-response reference (trajectory models per symptom measure
    and the pooled SD of SRS changes), fitted from its own episodes; derived and refittable."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="reference"
    )
    # `alliance.monitoring.trajectory.reference_to_dict` form.
    data = models.JSONField()
    episodes = models.PositiveIntegerField()
    fitted_at = models.DateTimeField(auto_now=True)


class BreakGlass(models.Model):
    """An admin's explicit, time-limited, logged access to one client's record (read-only),
    for a complaint, an audit or an emergency; never a standing permission."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="break_glass")
    reason = models.CharField(max_length=500)
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()


class HeldSelfHarmAnswer(models.Model):
    """A self-harm answer from a form refused as a whole (another answer missing or wrong).

    Nothing of the refused form is scored or stored, but this answer is never dropped with it:
    it is kept here, heads the caseload and reaches the clinician like a stored one until a
    note says what was done (a `SignalAcknowledgement` of kind self_harm_risk).
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="held_answers")
    instrument = models.CharField(max_length=20)
    item = models.CharField(max_length=20)
    value = models.PositiveSmallIntegerField()
    via = models.CharField(max_length=10)  # "link" or "kiosk"
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "instrument", "item"], name="one_held_answer"
            )
        ]
