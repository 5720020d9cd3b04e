"""Forms of the renewal review pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.web import BootstrapFormMixin
from projects.forms import ListForm, _blank
from projects.forms_tenders import DATETIME
from projects.models.renewals import Recommendation, RenewalStatus
from projects.services.renewals import DECISIONS


class RenewalFilterForm(ListForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(RenewalStatus.choices))
    recommendation = forms.ChoiceField(label=_("Recommendation"), required=False,
                                       choices=_blank(Recommendation.choices))


class RenewalDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[(d.value, d.label) for d in DECISIONS],
                                 widget=forms.RadioSelect)
    conditions = forms.CharField(label=_("Conditions"), required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("Required to renew with conditions; written into the new contract."))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when the service is not continued."))
    bid_opens = forms.DateTimeField(label=_("Bids open"), required=False, widget=DATETIME,
                                    help_text=_("To re-tender: the new bid window."))
    bid_closes = forms.DateTimeField(label=_("Bids close"), required=False, widget=DATETIME)
