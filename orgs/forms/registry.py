"""Forms of the registry's staff pages (list filters, organization create/edit, status change, import).

Forms only validate input; the services (``orgs.services``) apply the business rules. Choices that
depend on the user (regions) are built in ``__init__``, never at import time: tenant-owned querysets
refuse to run without an active tenant.
"""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from governance.models import RegionLevel
from governance.regions_picker import RegionField
from governance.web import BootstrapFormMixin
from governance.widgets import fast_selects
from orgs.filters import OrganizationFilter
from orgs.models import FundingSource, Organization, OrganizationDomain, OrgKind, OrgStatus, ServiceDomain
from orgs.permissions import EDIT_ROLES, can_change_key_data
from orgs.validation import identity_errors

PAGE_SIZES = (20, 50, 100)
# Statuses staff set by hand; "pending"/"rejected" belong to the filing workflow.
SETTABLE_STATUSES = (OrgStatus.ACTIVE, OrgStatus.SUSPENDED, OrgStatus.DEREGISTERED, OrgStatus.REVOKED)

DATE_WIDGET_ATTRS = {"type": "date"}


class OrganizationFilterForm(forms.Form):
    """The list's query parameters: OrganizationFilter's fields (shared with the API) plus the page size."""

    page_size = forms.TypedChoiceField(label=_("Per page"), choices=[(n, n) for n in PAGE_SIZES], coerce=int,
                                       required=False, empty_value=PAGE_SIZES[0])

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        # Only the form is used (validation); the selector applies the filters.
        filter_form = OrganizationFilter(data=data, queryset=Organization.objects.none()).form
        page_size = self.fields.pop("page_size")
        self.fields.update(filter_form.fields)
        self.fields["page_size"] = page_size
        # The cascading picker, any level down to communities (organizations sit no lower); the
        # subtree of the chosen node is listed. Its id stays the ``region`` query parameter.
        self.fields["region"] = RegionField(label=filter_form.fields["region"].label, required=False, as_pk=True,
                                            max_level=RegionLevel.COMMUNITY).scope(user)
        for name, field in self.fields.items():
            if getattr(field, "empty_label", None) is not None:
                field.empty_label = _("All")  # django-filter's "---------"
                field.widget.choices = list(field.choices)
            if name != "q":
                field.widget.attrs["class"] = "form-select"
        fast_selects(self)  # rendered in Python: the filter bar is on every page of the list

    def filters(self) -> dict:
        """Valid filters only: an unknown value in one parameter does not void the others."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {key: value for key, value in cleaned.items()
                if key != "page_size" and value not in (None, "", [])}

    def per_page(self) -> int:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("page_size") or PAGE_SIZES[0]


def _label(name: str):
    return capfirst(Organization._meta.get_field(name).verbose_name)


class OrganizationForm(BootstrapFormMixin, forms.Form):
    """Create or edit an organization; the service checks the GB 32100 rules and uniqueness again."""

    name = forms.CharField(label=_label("name"), max_length=200)
    kind = forms.ChoiceField(label=_label("kind"), choices=[("", "---------"), *OrgKind.choices])
    uscc = forms.CharField(label=_label("uscc"), max_length=18, required=False,
                           help_text=_("18 characters (GB 32100-2015); filed community groups may leave it empty."),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                         "class": "text-uppercase font-monospace"}))
    filing_number = forms.CharField(label=_label("filing_number"), max_length=40, required=False,
                                    help_text=_("For filed community groups without a credit code."))
    region = RegionField(label=_label("region"), min_level=RegionLevel.STREET, max_level=RegionLevel.COMMUNITY,
                         help_text=_("The street or community where the organization is active."))
    legal_representative = forms.CharField(label=_label("legal_representative"), max_length=50)
    contact_person = forms.CharField(label=_label("contact_person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_label("contact_phone"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_label("email"), required=False)
    address = forms.CharField(label=_label("address"), max_length=255, required=False)
    established_date = forms.DateField(label=_label("established_date"), required=False,
                                       widget=forms.DateInput(attrs=DATE_WIDGET_ATTRS, format="%Y-%m-%d"))
    registered_date = forms.DateField(label=_label("registered_date"), required=False,
                                      help_text=_("Grade eligibility counts from this date."),
                                      widget=forms.DateInput(attrs=DATE_WIDGET_ATTRS, format="%Y-%m-%d"))
    supervising_unit = forms.CharField(label=_label("supervising_unit"), max_length=200, required=False)
    domains = forms.MultipleChoiceField(label=capfirst(OrganizationDomain._meta.verbose_name_plural),
                                        choices=ServiceDomain.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    funding_sources = forms.MultipleChoiceField(label=_label("funding_sources"), choices=FundingSource.choices,
                                                required=False, widget=forms.CheckboxSelectMultiple)
    staff_fulltime = forms.IntegerField(label=_label("staff_fulltime"), min_value=0, initial=0, required=False)
    staff_social_workers = forms.IntegerField(label=_label("staff_social_workers"), min_value=0, initial=0, required=False)
    retired_cadre_leaders = forms.IntegerField(label=_label("retired_cadre_leaders"), min_value=0, initial=0, required=False)
    volunteers = forms.IntegerField(label=_label("volunteers"), min_value=0, initial=0, required=False)

    # Fields passed to the services as they are (region and domains are passed separately).
    MODEL_FIELDS = (
        "name", "kind", "uscc", "filing_number", "legal_representative", "contact_person", "contact_phone",
        "email", "address", "established_date", "registered_date", "supervising_unit", "funding_sources",
        "staff_fulltime", "staff_social_workers", "retired_cadre_leaders", "volunteers",
    )
    SECTIONS = (
        (_("Identity"), ("name", "kind", "uscc", "filing_number", "region")),
        (_("Contact"), ("legal_representative", "contact_person", "contact_phone", "email", "address")),
        (_("Registration"), ("established_date", "registered_date", "supervising_unit")),
        (_("Services and funding"), ("domains", "funding_sources")),
        (_("Staff and volunteers"), ("staff_fulltime", "staff_social_workers", "retired_cadre_leaders",
                                     "volunteers")),
    )

    def __init__(self, *args, user, organization: Organization | None = None, **kwargs):
        if organization is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(organization)
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["region"].scope(user, roles=EDIT_ROLES)
        self.fields["uscc"].widget.attrs.setdefault("maxlength", "18")
        self.key_data_locked = organization is not None and not can_change_key_data(user, organization)
        if self.key_data_locked:
            # Registration data of a registered organization is the registration authority's (the service
            # refuses it too); the disabled fields keep their current values whatever is posted.
            from orgs.services import KEY_DATA_FIELDS

            for name in KEY_DATA_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Changed by the registration authority (civil affairs bureau).")


    @staticmethod
    def initial_for(organization: Organization) -> dict:
        initial = {name: getattr(organization, name) for name in OrganizationForm.MODEL_FIELDS}
        initial["uscc"] = organization.uscc or ""
        initial["region"] = organization.region_id
        initial["domains"] = [d.domain for d in organization.domains.all()]
        initial["funding_sources"] = list(organization.funding_sources or [])
        return initial

    def clean_uscc(self):
        return (self.cleaned_data.get("uscc") or "").strip().upper()

    def clean_filing_number(self):
        return (self.cleaned_data.get("filing_number") or "").strip()

    def clean(self):
        # The GB 32100 rules shared with the services (which check them again, with uniqueness), here
        # so that a code error shows together with the other field errors.
        cleaned = super().clean()
        if cleaned.get("kind") and "uscc" not in self.errors and "filing_number" not in self.errors:
            errors = identity_errors(kind=cleaned["kind"], uscc=cleaned.get("uscc") or None,
                                     filing_number=cleaned.get("filing_number") or "")
            for field, messages in errors.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

    def service_fields(self) -> dict:
        """Keyword arguments for ``organization_create`` / ``organization_update`` (without region/domains)."""
        data = {name: self.cleaned_data[name] for name in self.MODEL_FIELDS}
        data["uscc"] = data["uscc"] or None  # NULL, not "": the credit code is unique when present
        for name in ("staff_fulltime", "staff_social_workers", "retired_cadre_leaders", "volunteers"):
            data[name] = data[name] or 0
        return data

    WIDE = ("name", "address", "region")  # the picker: its selects side by side
    FULL = ("domains", "funding_sources")
    NARROW = ("staff_fulltime", "staff_social_workers", "retired_cadre_leaders", "volunteers")

    def sections(self):
        """``[(title, [(bound field, grid column classes)])]`` for the template."""
        def column(name: str) -> str:
            if name in self.FULL:
                return "col-12"
            if name in self.WIDE:
                return "col-12 col-lg-8"
            if name in self.NARROW:
                return "col-6 col-md-3"
            return "col-12 col-md-6 col-lg-4"

        return [(title, [(self[name], column(name)) for name in names]) for title, names in self.SECTIONS]


class StatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                           help_text=_("Required: the decision, its document number or the reason."))

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "---------")] + [
            (value.value, value.label) for value in SETTABLE_STATUSES if value != organization.status
        ]


    def clean_note(self):
        note = (self.cleaned_data.get("note") or "").strip()
        if not note:
            raise forms.ValidationError(_("Please give a reason."))
        return note
