"""Forms of the project pages. Tenant-owned choices (templates, organizations, users) are built in
``__init__`` inside the request's tenant, never at import time; plain fields come from the models."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from governance.web import BootstrapFormMixin
from orgs.models import Organization, ServiceDomain
from projects.models import (
    Aggregation,
    ApplicationStatus,
    BudgetLine,
    Expert,
    ExpertRelation,
    FundingProgram,
    Indicator,
    ProgramKind,
    ProgramStatus,
    ResidentConsultation,
    ReviewTemplate,
)
from projects.services.programs import PROGRAM_FIELDS

PER_PAGE_CHOICES = ((25, "25"), (50, "50"), (100, "100"))
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


ALL = _("All")


def _blank(choices):
    return [("", ALL), *choices]


class ListForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None, False)}

    @property
    def searched(self) -> bool:
        return bool(self.filters())


class ProgramFilterForm(ListForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(ProgramKind.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(ProgramStatus.choices))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


class ApplicationFilterForm(ListForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(ApplicationStatus.choices))
    kind = forms.ChoiceField(label=_("Program kind"), required=False, choices=_blank(ProgramKind.choices))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    program = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    flagged = forms.BooleanField(label=_("Experts disagree"), required=False)


class ExpertFilterForm(ListForm):
    field = forms.ChoiceField(label=_("Field"), required=False, choices=_blank(ServiceDomain.choices))
    available = forms.ChoiceField(label=_("Availability"), required=False,
                                  choices=[("", _("All")), ("1", _("Available")), ("0", _("Unavailable"))])


_PROGRAM_PLAIN = [name for name in PROGRAM_FIELDS if name != "review_template"]


class ProgramForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, regions, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = forms.ModelChoiceField(label=_("Owner region"), queryset=regions, empty_label=None)
        if creating:  # later status changes are workflow steps on the program's page
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"), initial=ProgramStatus.DRAFT,
                choices=[(s, ProgramStatus(s).label) for s in (ProgramStatus.DRAFT, ProgramStatus.OPEN)])
        self.fields.update(fields_for_model(FundingProgram, fields=_PROGRAM_PLAIN))
        self.fields["review_template"] = forms.ModelChoiceField(
            label=_("Review template"), queryset=ReviewTemplate.objects.order_by("name"), required=False)
        for name in ("application_opens", "application_closes", "review_opens", "review_closes"):
            self.fields[name].widget = DATE
        self.style_widgets()


class CriterionForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    weight = forms.DecimalField(label=_("Weight (%)"), max_digits=5, decimal_places=2, min_value=0)
    min_score = forms.DecimalField(label=_("Lowest score"), max_digits=7, decimal_places=2, initial=0)
    max_score = forms.DecimalField(label=_("Highest score"), max_digits=7, decimal_places=2, initial=10)
    guidance = forms.CharField(label=_("Guidance"), required=False, max_length=2000)
    allow_not_applicable = forms.BooleanField(label=_("n/a allowed"), required=False, initial=True)


class ProgramTransitionForm(forms.Form):
    to = forms.ChoiceField(choices=ProgramStatus.choices)
    note = forms.CharField(required=False, max_length=4000)


CriterionFormSet = formset_factory(CriterionForm, extra=3, max_num=30, validate_max=True)
# Editing a template: its criteria shown as rows, each removable.
CriterionEditFormSet = formset_factory(CriterionForm, extra=2, max_num=30, validate_max=True, can_delete=True)


class TemplateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(
        attrs={"rows": 2}))


class ApplicationForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, regions, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"] = forms.ModelChoiceField(label=_("Funding program"), queryset=programs)
        self.fields["region"] = forms.ModelChoiceField(label=_("Applying unit"), queryset=regions, empty_label=None)
        from projects.models import Application

        self.fields.update(fields_for_model(Application, fields=[
            "title", "need_statement", "target_groups", "beneficiaries", "service_period_months"]))
        self.fields["need_statement"].widget = forms.Textarea(attrs={"rows": 4})
        organizations = Organization.objects.order_by("name")
        self.fields["applicant_organization"] = forms.ModelChoiceField(
            label=_("Applicant organization"), queryset=organizations, required=False,
            help_text=_("Only when an organization applies (venture philanthropy)."))
        self.fields["likely_bidders"] = forms.ModelMultipleChoiceField(
            label=_("Likely bidders"), queryset=organizations, required=False,
            help_text=_("Their employees and related experts are not drawn to review."))
        self.style_widgets()


class BudgetLineForm(BootstrapFormMixin, forms.Form):
    category = fields_for_model(BudgetLine, fields=["category"])["category"]
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=0)
    rationale = forms.CharField(label=_("Rationale"), max_length=500)


class IndicatorForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=200)
    kind = fields_for_model(Indicator, fields=["kind"])["kind"]
    unit = forms.CharField(label=_("Unit"), max_length=20)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=14, decimal_places=2, initial=0)
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2)
    weight = forms.DecimalField(label=_("Weight (%)"), max_digits=5, decimal_places=2, min_value=0)
    direction = fields_for_model(Indicator, fields=["direction"])["direction"]
    aggregation = forms.ChoiceField(
        label=_("Aggregation"), required=False,
        choices=[("", _("Automatic (a percentage per period, else cumulative)")), *Aggregation.choices])


class CosignerForm(BootstrapFormMixin, forms.Form):
    """A residents' representative co-signing the application (居民代表联署)."""

    name = forms.CharField(label=_("Name"), max_length=50)
    capacity = forms.CharField(label=_("Capacity"), max_length=100, required=False,
                               help_text=_("e.g. residents' representative, building head."))
    signed_on = forms.DateField(label=_("Date signed"), widget=DATE)


# A "delete" box per row removes it; saving adds empty rows for more (the services' limits).
BudgetLineFormSet = formset_factory(BudgetLineForm, extra=2, max_num=50, validate_max=True, can_delete=True)
CosignerFormSet = formset_factory(CosignerForm, extra=2, max_num=30, validate_max=True, can_delete=True)
IndicatorFormSet = formset_factory(IndicatorForm, extra=2, max_num=30, validate_max=True, can_delete=True)


def formset_rows(formset) -> list[dict]:
    """Filled rows of a valid formset: the rows it was given (changed or not) and the filled extra rows;
    blank extra rows and rows ticked for deletion left out."""
    initial = formset.initial_form_count()
    return [{name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
            for index, form in enumerate(formset.forms)
            if (index < initial or form.has_changed()) and form.cleaned_data and not form.cleaned_data.get("DELETE")]


class DecisionForm(BootstrapFormMixin, forms.Form):
    to = forms.ChoiceField(choices=[(s, s.label) for s in (ApplicationStatus.APPROVED, ApplicationStatus.RETURNED,
                                                           ApplicationStatus.REJECTED)], widget=forms.HiddenInput)
    note = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    approved_amount = forms.DecimalField(label=_("Approved amount (yuan)"), required=False, max_digits=14,
                                         decimal_places=2, min_value=0)


class ConsultationForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(ResidentConsultation, fields=[
            "held_on", "venue", "meeting_reference", "participants", "votes_for", "votes_against", "votes_abstain",
            "minutes"]))
        self.fields["held_on"].widget = DATE
        self.fields["minutes"].widget = forms.Textarea(attrs={"rows": 4})
        self.style_widgets()


class EligibilityForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = forms.ModelChoiceField(label=_("Organization"),
                                                             queryset=Organization.objects.order_by("name"))
        self.style_widgets()


class ExpertForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = forms.ModelChoiceField(label=_("Pool region"), queryset=regions, empty_label=None)
        self.fields.update(fields_for_model(Expert, fields=["name", "title", "affiliation", "phone", "email",
                                                            "available", "unavailable_until", "note"]))
        self.fields["unavailable_until"].widget = DATE
        self.fields["fields"] = forms.MultipleChoiceField(label=_("Fields"), choices=ServiceDomain.choices,
                                                          required=False, widget=forms.CheckboxSelectMultiple)
        self.fields["employer"] = forms.ModelChoiceField(label=_("Employer organization"), required=False,
                                                         queryset=Organization.objects.order_by("name"))
        from governance.models import User

        self.fields["user"] = forms.ModelChoiceField(
            label=_("User account"), required=False,
            queryset=User.objects.filter(role_assignments__role="expert").distinct().order_by("username"))
        self.style_widgets()


class RelationForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = forms.ModelChoiceField(label=_("Organization"),
                                                             queryset=Organization.objects.order_by("name"))
        self.fields.update(fields_for_model(ExpertRelation, fields=["kind", "reason"]))
        self.style_widgets()


class RecuseForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for recusal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ScoreForm(BootstrapFormMixin, forms.Form):
    """One field per criterion: a number in its range, or empty with n/a ticked."""

    comment = forms.CharField(label=_("Overall comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria, existing, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            score = existing.get(criterion.pk)
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=criterion.name, required=False, min_value=criterion.min_score, max_value=criterion.max_score,
                max_digits=7, decimal_places=2, initial=score.score if score else None,
                help_text=criterion.guidance)
            if criterion.allow_not_applicable:
                self.fields[f"na{criterion.pk}"] = forms.BooleanField(
                    label=_("n/a"), required=False, initial=bool(score and score.score is None))
        self.style_widgets()

    def rows(self) -> list[dict]:
        out = []
        for criterion in self.criteria:
            value = self.cleaned_data.get(f"c{criterion.pk}")
            if self.cleaned_data.get(f"na{criterion.pk}"):
                out.append({"criterion": criterion.pk, "score": None})
            elif value is not None:
                out.append({"criterion": criterion.pk, "score": value})
        return out

    def criterion_fields(self):
        for criterion in self.criteria:
            yield criterion, self[f"c{criterion.pk}"], (self[f"na{criterion.pk}"]
                                                         if f"na{criterion.pk}" in self.fields else None)
