"""Django forms that parse the clinician's posts; the services check the clinical rules."""

from __future__ import annotations

from django import forms

from alliance.care.models import RepairStep, Rupture
from alliance.care.services.ruptures import MARKERS


class RuptureForm(forms.Form):
    session_number = forms.IntegerField(min_value=1, label="Session")
    rupture_type = forms.ChoiceField(choices=Rupture.Type.choices, label="Type")
    noticed_via = forms.ChoiceField(choices=Rupture.NoticedVia.choices, label="Noticed")
    markers = forms.MultipleChoiceField(
        choices=[(kind.capitalize(), list(pairs)) for kind, pairs in MARKERS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="How it showed",
    )
    description = forms.CharField(required=False, max_length=4000, label="Description")


class RepairStepForm(forms.Form):
    step = forms.ChoiceField(choices=RepairStep.Step.choices)
    session_number = forms.IntegerField(min_value=1, label="Session")
    note = forms.CharField(required=False, max_length=4000)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=Rupture.Outcome.choices)
    session_number = forms.IntegerField(min_value=1, label="Session")
    note = forms.CharField(required=False, max_length=4000)


def first_error(form: forms.Form) -> str:
    """One readable message naming the field, for the page's message area."""
    for name, errors in form.errors.items():
        label = form.fields[name].label or name.replace("_", " ") if name in form.fields else name
        return f"{label}: {errors[0]}"
    return "the form is not valid"
