"""The shape of an instrument definition, and the checks that make one trustworthy.

Definitions are data (one TOML file per instrument under definitions/). Everything a file
says is validated here, structurally by pydantic and semantically by `_check_consistency`,
so a definition that loads is one the scoring code can rely on without further checks.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Comparison = Literal["at_or_below", "below", "at_or_above", "above"]

_LOINC = re.compile(r"^\d{1,7}-\d$")
_LOINC_ANSWER = re.compile(r"^LA\d{1,6}-\d$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class _Strict(BaseModel):
    # Unknown keys are refused so a typo in a definition file ("subscale" for
    # "subscales") is an error at start-up, not a silently ignored field.
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScalePoint(_Strict):
    value: int
    label: str = Field(min_length=1)
    loinc_answer: str | None = Field(default=None, pattern=_LOINC_ANSWER.pattern)


class Scale(_Strict):
    """Either a visual-analogue line or a set of labelled integer points."""

    kind: Literal["vas", "points"]
    # For a VAS: the ends of the line and its resolution (0.1 = one millimetre on 10 cm).
    min: float | None = None
    max: float | None = None
    step: float | None = None
    low_anchor: str | None = None
    high_anchor: str | None = None
    # For labelled points: every allowed value with its label, in ascending order.
    points: tuple[ScalePoint, ...] = ()

    @model_validator(mode="after")
    def _shape(self) -> Scale:
        if self.kind == "vas":
            if self.min is None or self.max is None or self.step is None:
                raise ValueError("a 'vas' scale needs min, max and step")
            if self.points:
                raise ValueError("a 'vas' scale takes no points")
            if not (self.max > self.min and 0 < self.step <= self.max - self.min):
                raise ValueError("a 'vas' scale needs min < max and 0 < step <= max - min")
            steps = (self.max - self.min) / self.step
            if abs(steps - round(steps)) > 1e-9 or not _is_decimal_step(self.step):
                raise ValueError("step must divide the line evenly and be 1, 0.1, 0.01 ...")
        else:
            if not self.points:
                raise ValueError("a 'points' scale needs at least two points")
            if any(v is not None for v in (self.min, self.max, self.step)):
                raise ValueError("a 'points' scale takes points, not min/max/step")
            values = [p.value for p in self.points]
            if len(values) < 2 or values != sorted(set(values)):
                raise ValueError("points need two or more distinct values in ascending order")
        return self

    @property
    def low(self) -> float:
        return self.points[0].value if self.kind == "points" else float(self.min or 0.0)

    @property
    def high(self) -> float:
        return self.points[-1].value if self.kind == "points" else float(self.max or 0.0)

    @property
    def decimals(self) -> int:
        """How many decimals a value on this scale has (0 for points, 1 for a 0.1 VAS)."""
        if self.kind == "points" or self.step is None:
            return 0
        return max(0, -round(math.log10(self.step)))

    def describe(self) -> str:
        if self.kind == "vas":
            return f"visual-analogue {self.min:g}-{self.max:g} in steps of {self.step:g}"
        return ", ".join(f"{p.value} {p.label}" for p in self.points)


def _is_decimal_step(step: float) -> bool:
    exponent = math.log10(step)
    return abs(exponent - round(exponent)) < 1e-9


class Item(_Strict):
    id: str
    # A short descriptive label written by the project; always shippable.
    label: str = Field(min_length=1)
    # Full published wording; present only where the licence allows shipping it.
    wording: str | None = None
    loinc: str | None = Field(default=None, pattern=_LOINC.pattern)
    # For short forms derived from a longer one: the item number in the parent form.
    parent_item: str | None = None


class SupplementaryItem(_Strict):
    """An item on the form that is asked but never scored (PHQ-9's difficulty item)."""

    id: str
    label: str = Field(min_length=1)
    wording: str | None = None
    loinc: str | None = Field(default=None, pattern=_LOINC.pattern)
    points: tuple[ScalePoint, ...]
    asked_when: str = ""


class Subscale(_Strict):
    id: str = Field(pattern=_NAME.pattern)
    name: str = Field(min_length=1)
    items: tuple[str, ...] = Field(min_length=1)
    # Formulation guidance for when this is the client's weakest subscale.
    guidance: str | None = None


class Flag(_Strict):
    """A named condition on the total or on one item, against a named cutoff."""

    name: str = Field(pattern=_NAME.pattern)
    item: str | None = None  # None: the total
    comparison: Comparison
    cutoff: str = Field(pattern=_NAME.pattern)
    meaning: str = Field(min_length=1)
    urgent: bool = False


class Band(_Strict):
    label: str = Field(min_length=1)
    min: float
    max: float


class Change(_Strict):
    """What counts as reliable change and recovery for this instrument."""

    reliable_change: float | None = Field(default=None, gt=0)
    # Reliability and normative SD, for a Jacobson-Truax figure where no fixed one exists.
    reliability: float | None = Field(default=None, gt=0, lt=1)
    sd: float | None = Field(default=None, gt=0)
    # Name of the cutoff that separates clinical from non-clinical scores.
    caseness_cutoff: str | None = None
    source: str = Field(min_length=1)


class Licence(_Strict):
    kind: Literal["public-domain", "site-licensed"]
    holder: str = Field(min_length=1)
    terms: str = Field(min_length=1)


class Loinc(_Strict):
    panel: str | None = Field(default=None, pattern=_LOINC.pattern)
    total: str | None = Field(default=None, pattern=_LOINC.pattern)


class Definition(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    abbreviation: str = Field(min_length=1)
    reference: str = Field(min_length=1)
    key_source: str = Field(min_length=1)
    key_unverified: str = ""
    respondent: Literal["client", "therapist"]
    time_frame: str = Field(min_length=1)
    # Project-written instructions; the published stem goes in `stem` where licensed.
    instructions: str = Field(min_length=1)
    stem: str | None = None
    higher_is_better: bool
    scale: Scale
    items: tuple[Item, ...] = Field(min_length=1)
    supplementary: tuple[SupplementaryItem, ...] = ()
    subscales: tuple[Subscale, ...] = ()
    reverse_items: tuple[str, ...] = ()
    total_rule: Literal["sum"] = "sum"
    cutoffs: dict[str, float] = {}
    flags: tuple[Flag, ...] = ()
    bands: tuple[Band, ...] = ()
    change: Change | None = None
    parent: str | None = None
    licence: Licence
    loinc: Loinc = Loinc()

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def total_min(self) -> float:
        return self.scale.low * len(self.items)

    @property
    def total_max(self) -> float:
        return self.scale.high * len(self.items)

    @property
    def caseness(self) -> float | None:
        """The cutoff between clinical and non-clinical totals, where the instrument has one
        (its value in force: the site's where it set one)."""
        if self.change is None or self.change.caseness_cutoff is None:
            return None
        return self.cutoffs[self.change.caseness_cutoff]

    @property
    def has_licensed_wording(self) -> bool:
        return self.licence.kind == "public-domain"


class Inconsistency(ValueError):
    """A definition whose fields are each well-formed but do not fit together."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_definition(d: Definition) -> None:
    """Raise `Inconsistency` naming the field where `d`'s parts do not fit together."""
    ids = d.item_ids
    expected = tuple(str(n) for n in range(1, len(ids) + 1))
    if ids != expected:
        raise Inconsistency("items", f"ids must be '1'..'{len(ids)}' in published order, got {ids}")
    known = set(ids)
    seen: dict[str, str] = {}
    for sub in d.subscales:
        for item in sub.items:
            if item not in known:
                raise Inconsistency(f"subscales.{sub.id}", f"item '{item}' is not an item id")
            if item in seen:
                raise Inconsistency(f"subscales.{sub.id}", f"item '{item}' is also in {seen[item]}")
            seen[item] = sub.id
    if d.subscales and len(seen) != len(ids):
        missing = sorted(known - set(seen), key=int)
        raise Inconsistency("subscales", f"items {missing} belong to no subscale")
    for item in d.reverse_items:
        if item not in known:
            raise Inconsistency("reverse_items", f"'{item}' is not an item id")
    if d.reverse_items and d.scale.kind != "points":
        raise Inconsistency("reverse_items", "only labelled-point scales can be reverse-keyed")
    for flag in d.flags:
        if flag.cutoff not in d.cutoffs:
            raise Inconsistency(f"flags.{flag.name}", f"cutoff '{flag.cutoff}' is not in cutoffs")
        if flag.item is not None and flag.item not in known:
            raise Inconsistency(f"flags.{flag.name}", f"item '{flag.item}' is not an item id")
    for name, value in d.cutoffs.items():
        if not _NAME.match(name):
            raise Inconsistency("cutoffs", f"'{name}' is not a lower_case name")
        if not math.isfinite(value):
            raise Inconsistency(f"cutoffs.{name}", "must be a finite number")
    _check_bands(d)
    if d.change is not None:
        if d.change.caseness_cutoff is not None and d.change.caseness_cutoff not in d.cutoffs:
            raise Inconsistency(
                "change", f"caseness_cutoff '{d.change.caseness_cutoff}' is not in cutoffs"
            )
        if d.change.reliable_change is None and (
            d.change.reliability is None or d.change.sd is None
        ):
            raise Inconsistency("change", "needs reliable_change, or reliability and sd")
    parents = [item.parent_item for item in d.items if item.parent_item is not None]
    if parents and (d.parent is None or len(parents) != len(ids)):
        raise Inconsistency(
            "items", "parent_item needs 'parent' set and a parent item on every item"
        )
    if d.licence.kind == "site-licensed":
        if any(item.wording for item in d.items) or d.stem:
            raise Inconsistency("licence", "site-licensed instruments ship no wording or stem")
    elif any(not item.wording for item in d.items):
        raise Inconsistency("items", "a public-domain instrument ships the wording of every item")


def _check_bands(d: Definition) -> None:
    if not d.bands:
        return
    # Bands must tile the whole total range with no gap or overlap, so every possible
    # total has exactly one band; totals on a points scale are whole numbers.
    position = d.total_min
    for band in d.bands:
        if band.min != position:
            raise Inconsistency(
                f"bands.{band.label}", f"starts at {band.min:g}, expected {position:g}"
            )
        if band.max < band.min:
            raise Inconsistency(f"bands.{band.label}", "max is below min")
        position = band.max + 1
    if d.bands[-1].max != d.total_max:
        raise Inconsistency("bands", f"the last band must end at the maximum total {d.total_max:g}")
    if d.scale.kind != "points":
        raise Inconsistency("bands", "only instruments with whole-number totals have bands here")
