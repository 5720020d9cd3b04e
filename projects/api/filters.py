"""Query parameters of the project list APIs (validated; projects.selectors applies them)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from governance.api.filtering import IdFilter, OrderingChoiceFilter
from orgs.models import ServiceDomain
from projects.models import (
    Application,
    ApplicationStatus,
    AssignmentStatus,
    Expert,
    FundingProgram,
    ProgramKind,
    ProgramStatus,
    ReviewAssignment,
)
from projects.selectors import APPLICATION_ORDERINGS, PROGRAM_ORDERINGS

YES_NO = [("true", _("Yes")), ("false", _("No"))]


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class YesNoFilter(django_filters.ChoiceFilter):
    """``true`` or ``false`` (documented as such, whatever the type of a model field of the same name)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=YES_NO, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=2000, max_value=2100, **kwargs)


class ProgramFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), max_length=100)
    kind = django_filters.ChoiceFilter(choices=ProgramKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=ProgramStatus.choices, label=_("Status"))
    year = YearFilter(label=_("Year"))
    ordering = OrderingChoiceFilter(PROGRAM_ORDERINGS, label=_("Sort by"))

    class Meta:
        model = FundingProgram
        fields: list[str] = []


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number or title"), max_length=100)
    program = IdFilter(label=_("Funding program"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=ProgramKind.choices, label=_("Program kind"))
    year = YearFilter(label=_("Year"))
    flagged = YesNoFilter(label=_("Experts disagree"))
    ordering = OrderingChoiceFilter(APPLICATION_ORDERINGS, label=_("Sort by"))

    class Meta:
        model = Application
        fields: list[str] = []


class ExpertFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or affiliation"), max_length=100)
    field = django_filters.ChoiceFilter(choices=ServiceDomain.choices, label=_("Field"))
    available = YesNoFilter(label=_("Available"))

    class Meta:
        model = Expert
        fields: list[str] = []


class AssignmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AssignmentStatus.choices, label=_("Status"))

    class Meta:
        model = ReviewAssignment
        fields: list[str] = []
