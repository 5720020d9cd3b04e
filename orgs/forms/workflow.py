"""Forms of the registry's workflow pages and the organization portal.

They only validate input; the services decide. Choices that depend on the database (regions) are
built in ``__init__`` from the user's selectors, never at import time.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import RegionLevel, Role
from governance.regions_picker import RegionField
from governance.web import BootstrapFormMixin
from orgs.models import (
    ABNORMAL_REASONS,
    SERIOUS_REASONS,
    AnnualReport,
    Conclusion,
    CreditList,
    CreditReason,
    FilingStatus,
    Organization,
    ReportStatus,
    ServiceDomain,
)
from orgs.permissions import EDIT_ROLES

SUBMIT_ROLES = EDIT_ROLES | {Role.ORG_USER}

DATE_WIDGET = {"type": "date"}


def _date_field(label, *, required=True, initial=None) -> forms.DateField:
    return forms.DateField(label=label, required=required, initial=initial,
                           widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))


def _note_field(label=None, *, required=False, rows=2) -> forms.CharField:
    return forms.CharField(label=label or _("Note"), required=required, widget=forms.Textarea(attrs={"rows": rows}))


def _domain_field(required=False) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=_("Service domains"), choices=ServiceDomain.choices, required=required,
                                     widget=forms.CheckboxSelectMultiple)


# --- filings ---------------------------------------------------------------------------------


class FilingFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *FilingStatus.choices], required=False)


class FilingForm(BootstrapFormMixin, forms.Form):
    """Filing application of a community group (社区社会组织备案申请)."""

    region = RegionField(label=_("Community or street"), min_level=RegionLevel.STREET, max_level=RegionLevel.COMMUNITY,
                         help_text=_("Where the group is active; the community reviews the filing first."))
    name = forms.CharField(label=_("Name of the group"), max_length=200)
    legal_representative = forms.CharField(label=_("Person in charge"), max_length=50)
    contact_person = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    established_date = _date_field(_("Established"), required=False)
    supervising_unit = forms.CharField(label=_("Supervising unit"), max_length=200, required=False)
    volunteers = forms.IntegerField(label=_("Volunteers"), min_value=0, required=False, initial=0,
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    domains = _domain_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only where the user may submit (filing_submit checks the same roles again).
        self.fields["region"].scope(user, roles=SUBMIT_ROLES)

    def clean_volunteers(self):
        return self.cleaned_data.get("volunteers") or 0


class FilingTransitionForm(forms.Form):
    to = forms.ChoiceField(choices=FilingStatus.choices)
    note = forms.CharField(required=False, max_length=2000)


# --- annual reports --------------------------------------------------------------------------


class CampaignOpenForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year reported on"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    due_date = _date_field(_("Due date"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year - 1
        self.fields["due_date"].initial = today.replace(month=6, day=30) if today.month <= 6 else None


YES_NO = [("", _("All")), ("1", _("Yes")), ("0", _("No"))]


class ReportFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Organization or code"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *ReportStatus.choices], required=False)
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=[("", _("All")), *Conclusion.choices],
                                   required=False)
    overdue = forms.ChoiceField(label=_("Overdue"), choices=YES_NO, required=False)


REPORT_FINANCE_FIELDS = ("income_government", "income_donations", "income_dues", "income_services",
                         "income_other", "spending", "net_assets")
REPORT_TEXT_FIELDS = ("activities_summary", "party_building_report")
REPORT_FIELDS = REPORT_FINANCE_FIELDS + REPORT_TEXT_FIELDS


class AnnualReportForm(BootstrapFormMixin, forms.Form):
    """The organization's figures and texts; labels and limits come from the model."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(AnnualReport, fields=REPORT_FIELDS))
        for name in REPORT_FINANCE_FIELDS:
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})
            self.fields[name].required = True
        for name in REPORT_TEXT_FIELDS:
            self.fields[name].widget.attrs["rows"] = 5
        self.style_widgets()

    @classmethod
    def initial_for(cls, report: AnnualReport) -> dict:
        return {name: getattr(report, name) for name in REPORT_FIELDS}


class ReportReturnForm(forms.Form):
    note = forms.CharField(label=_("What needs correcting"), max_length=4000)


class ReportReviewForm(BootstrapFormMixin, forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=[("", _("Choose…")), *Conclusion.choices])
    note = _note_field(_("Review note"))


class AttachmentForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, image, Word or Excel file, at most 10 MB."))


# --- grades ----------------------------------------------------------------------------------


class GradeAwardForm(BootstrapFormMixin, forms.Form):
    score = forms.IntegerField(label=_("Score (0-1000)"), min_value=0, max_value=1000,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    awarded_date = _date_field(_("Awarded on"))
    note = _note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["awarded_date"].initial = timezone.localdate()


# --- credit lists ----------------------------------------------------------------------------


ACTIVE_CHOICES = [("", _("All")), ("1", _("Listed now")), ("0", _("Removed"))]
REASONS_BY_LIST = {
    CreditList.ABNORMAL.value: [(value, label) for value, label in CreditReason.choices if value in ABNORMAL_REASONS],
    CreditList.SERIOUS.value: [(value, label) for value, label in CreditReason.choices if value in SERIOUS_REASONS],
}


class CreditFilterForm(BootstrapFormMixin, forms.Form):
    list_type = forms.ChoiceField(label=_("List"), choices=[("", _("All")), *CreditList.choices], required=False)
    active = forms.ChoiceField(label=_("State"), choices=ACTIVE_CHOICES, required=False)
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", _("All")), *CreditReason.choices], required=False)


class CreditAddForm(BootstrapFormMixin, forms.Form):
    list_type = forms.ChoiceField(label=_("List"), choices=CreditList.choices)
    reason = forms.ChoiceField(label=_("Reason"), choices=CreditReason.choices)
    listed_on = _date_field(_("Listed on"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False,
                                      help_text=_("Number of the listing decision (决定书文号), if any."))
    note = _note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["listed_on"].initial = timezone.localdate()
        self.fields["reason"].choices = self.reason_choices(self.data.get("list_type") if self.is_bound
                                                            else self.initial.get("list_type"))

    @staticmethod
    def reason_choices(list_type):
        return REASONS_BY_LIST.get(list_type or CreditList.ABNORMAL.value, REASONS_BY_LIST[CreditList.ABNORMAL.value])

    def clean(self):
        cleaned = super().clean()
        list_type, reason = cleaned.get("list_type"), cleaned.get("reason")
        if list_type and reason and reason not in dict(REASONS_BY_LIST[list_type]):
            self.add_error("reason", _("This reason does not belong to the chosen list."))
        return cleaned


class CreditRemoveForm(BootstrapFormMixin, forms.Form):
    removed_on = _date_field(_("Removed on"))
    reason = _note_field(_("Reason for removal"), required=True, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["removed_on"].initial = timezone.localdate()


class CreditRectifyForm(forms.Form):
    action = forms.ChoiceField(choices=[("apply", _("Apply")), ("verify", _("Verify"))])
    date = forms.DateField(required=False)

    def clean_date(self):
        return self.cleaned_data.get("date") or timezone.localdate()


# --- change requests and the portal -----------------------------------------------------------


class ChangeRequestDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(required=False, max_length=2000)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Please give a reason."))
        return cleaned


class CreditExitApplyForm(forms.Form):
    """The organization's application to leave the serious list: an optional statement."""

    statement = forms.CharField(label=_("Statement"), required=False, max_length=2000, widget=forms.Textarea)


class CreditExitDecideForm(ChangeRequestDecideForm):
    """Staff approve, or refuse with the reason the organization sees (the same two choices)."""


class PortalForm(BootstrapFormMixin, forms.Form):
    """The organization's own profile: direct fields are saved, key fields go to staff approval."""

    def __init__(self, *args, direct_fields, key_fields, **kwargs):
        super().__init__(*args, **kwargs)
        model_fields = [name for name in (*direct_fields, *key_fields) if name != "domains"]
        self.fields.update(forms.fields_for_model(Organization, fields=model_fields))
        if "domains" in direct_fields or "domains" in key_fields:
            self.fields["domains"] = _domain_field()
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
            if name == "funding_sources":
                from orgs.models import FundingSource

                self.fields[name] = forms.MultipleChoiceField(
                    label=field.label, choices=FundingSource.choices, required=False,
                    widget=forms.CheckboxSelectMultiple)
        self.key_field_names = [name for name in key_fields if name in self.fields]
        self.direct_field_names = [name for name in direct_fields if name in self.fields]
        self.style_widgets()

    @staticmethod
    def initial_for(organization: Organization, names) -> dict:
        initial = {}
        for name in names:
            if name == "domains":
                initial[name] = [d.domain for d in organization.domains.all()]
            else:
                initial[name] = getattr(organization, name)
        return initial

    def key_fields(self):
        return [self[name] for name in self.key_field_names]

    def direct_fields(self):
        return [self[name] for name in self.direct_field_names]
