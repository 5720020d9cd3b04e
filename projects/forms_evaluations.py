"""Filter form of the evaluation lists (staff and organization portal)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.forms import ListForm, _blank
from projects.models import EvaluationBand, EvaluationKind, EvaluationStatus


class EvaluationFilterForm(ListForm):
    kind = forms.ChoiceField(label=_("Evaluation kind"), required=False, choices=_blank(EvaluationKind.choices))
    year = forms.IntegerField(label=_("Period (year)"), required=False, min_value=2000, max_value=2100)
    band = forms.ChoiceField(label=_("Band"), required=False, choices=_blank(EvaluationBand.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(EvaluationStatus.choices))
    contract = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62)


class PortalEvaluationFilterForm(EvaluationFilterForm):
    """The portal shows published evaluations only: no status filter."""

    status = None
