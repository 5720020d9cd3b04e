"""Forms of the tender, bid, award and contract pages (staff and organization portal)."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from governance.web import BootstrapFormMixin
from orgs.models.limits import LONG_TEXT, NOTE_TEXT
from projects.forms import DATE, ListForm, _blank
from projects.models import (
    AwardStatus,
    BidStatus,
    BudgetCategory,
    ContractStatus,
    TenderStatus,
    TrancheTrigger,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}
SCORE = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 100}


class TenderFilterForm(ListForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(TenderStatus.choices))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


class BidFilterForm(ListForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(BidStatus.choices))
    tender = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class AwardFilterForm(ListForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(AwardStatus.choices))


class ContractFilterForm(ListForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(ContractStatus.choices))
    year = forms.IntegerField(label=_("Start year"), required=False, min_value=2000, max_value=2100)
    renewal = forms.BooleanField(label=_("Renewals only"), required=False)


class TenderForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Empty: the project's title."))
    budget_amount = forms.DecimalField(label=_("Budget (yuan)"), required=False, **MONEY,
                                       help_text=_("Empty: the approved amount."))
    bid_opens = forms.DateTimeField(label=_("Bids open"), widget=DATETIME)
    bid_closes = forms.DateTimeField(label=_("Bids close"), widget=DATETIME)
    price_weight = forms.DecimalField(label=_("Price weight (%)"), initial=30, **SCORE)
    quality_weight = forms.DecimalField(label=_("Quality weight (%)"), initial=70, **SCORE)
    standstill_days = forms.IntegerField(label=_("Standstill period (days)"), initial=7, min_value=0, max_value=60)
    description = forms.CharField(label=_("Description"), required=False, max_length=LONG_TEXT, widget=forms.Textarea(
        attrs={"rows": 4}))


class BidForm(BootstrapFormMixin, forms.Form):
    proposal = forms.CharField(label=_("Proposal"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 6}))
    team_size = forms.IntegerField(label=_("Team size"), min_value=1, max_value=500)
    team_social_workers = forms.IntegerField(label=_("Licensed social workers in the team"), min_value=0,
                                             max_value=500)
    team_description = forms.CharField(label=_("Team"), required=False, max_length=NOTE_TEXT,
                                       widget=forms.Textarea(attrs={"rows": 3}),
                                       help_text=_("Members, their certificates (社会工作者职业资格) and roles."))
    price = forms.DecimalField(label=_("Price (yuan)"), **MONEY)
    attachment = forms.FileField(label=_("Attachment"), required=False,
                                 help_text=_("PDF, image, Word or Excel file, at most 10 MB."))


class BreakdownForm(BootstrapFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=_blank(BudgetCategory.choices), required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, **MONEY)
    description = forms.CharField(label=_("Description"), required=False, max_length=200)


BreakdownFormSet = formset_factory(BreakdownForm, extra=4, max_num=50, validate_max=True)


def breakdown_rows(formset) -> list[dict]:
    return [{"category": f.cleaned_data["category"], "amount": f.cleaned_data.get("amount"),
             "description": f.cleaned_data.get("description") or ""}
            for f in formset.forms if f.cleaned_data and (f.cleaned_data.get("category") or f.cleaned_data.get("amount"))]


class QualifyForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("valid", _("Valid")),
                                                               ("disqualified", _("Disqualified"))])
    note = forms.CharField(label=_("Reason"), required=False, max_length=NOTE_TEXT)


class EvaluateForm(BootstrapFormMixin, forms.Form):
    quality_score = forms.DecimalField(label=_("Quality score (0-100)"), **SCORE)
    price_score = forms.DecimalField(label=_("Price score (0-100)"), required=False, **SCORE,
                                     help_text=_("Empty: lowest valid price ÷ this price × 100."))
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_TEXT)


class AwardForm(BootstrapFormMixin, forms.Form):
    bid = forms.TypedChoiceField(label=_("Winning bid"), coerce=int)
    reason = forms.CharField(label=_("Reason for the award"), max_length=NOTE_TEXT, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, bids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bid"].choices = [(bid.pk, f"{bid.organization.name} · {bid.price}") for bid in bids]


class NoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=NOTE_TEXT)


class TenderCloseForm(NoteForm):
    to = forms.ChoiceField(label=_("Outcome"), choices=[(TenderStatus.UNSUCCESSFUL.value, TenderStatus.UNSUCCESSFUL.label),
                                                        (TenderStatus.CANCELLED.value, TenderStatus.CANCELLED.label)])


class ContractForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label=_("Contract number"), max_length=40, required=False,
                             help_text=_("Empty: numbered automatically."))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    buyer_name = forms.CharField(label=_("Buyer"), max_length=200, required=False)
    start_date = forms.DateField(label=_("Start"), widget=DATE)
    end_date = forms.DateField(label=_("End"), widget=DATE)
    continuous_service = forms.BooleanField(label=_("Continuous, stably funded service"), required=False,
                                            help_text=_("Allows a term of up to three years (MoF Order 102)."))
    prior_contract = forms.TypedChoiceField(label=_("Renews contract"), required=False, coerce=int, empty_value=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_TEXT, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, prior_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prior_contract"].choices = [("", _("None")), *[(c.pk, str(c)) for c in prior_choices]]


class TrancheForm(BootstrapFormMixin, forms.Form):
    percentage = forms.DecimalField(label=_("Percentage"), required=False, max_digits=5, decimal_places=2,
                                    min_value=0, max_value=100)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    trigger = forms.ChoiceField(label=_("Trigger"), required=False, choices=[("", "—"), *TrancheTrigger.choices])
    depends_on = forms.IntegerField(label=_("After tranche no."), required=False, min_value=1, max_value=24)
    description = forms.CharField(label=_("Description"), required=False, max_length=200)


TrancheFormSet = formset_factory(TrancheForm, extra=3, max_num=24, validate_max=True)


def tranche_rows(formset) -> list[dict]:
    return [{name: f.cleaned_data.get(name) for name in ("percentage", "due_date", "trigger", "depends_on",
                                                          "description")}
            for f in formset.forms if f.cleaned_data and f.cleaned_data.get("percentage") is not None]


class DateForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
