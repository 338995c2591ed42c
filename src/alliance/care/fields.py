"""A model field that holds a typed `MeasurePlan` (stored as JSON)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from .measure_plan import MeasurePlan

if TYPE_CHECKING:
    # What is assigned (a plan or its JSON form), and what is read back: always a plan.
    _JSONField = models.JSONField[MeasurePlan | dict[str, Any], MeasurePlan]
else:
    _JSONField = models.JSONField


class _PlanAttribute:
    """Turns whatever is assigned (a plan, or its JSON form) into a validated `MeasurePlan`,
    so an episode in memory never holds an unchecked dict."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            return self
        return instance.__dict__[self.name]

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.name] = None if value is None else MeasurePlan.parse(value)


class MeasurePlanField(_JSONField):
    def contribute_to_class(self, cls: Any, name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.attname, _PlanAttribute(self.attname))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        data = super().from_db_value(value, expression, connection)
        return None if data is None else MeasurePlan.parse(data)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, MeasurePlan):
            value = value.as_json()
        return super().get_prep_value(value)

    def value_to_string(self, obj: Any) -> Any:
        value = self.value_from_object(obj)
        return value.as_json() if isinstance(value, MeasurePlan) else value
