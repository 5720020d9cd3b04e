"""Query parameters of the project list APIs (validated; projects.selectors applies them)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from governance.api.filtering import IdFilter
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


class ProgramFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), max_length=100)
    kind = django_filters.ChoiceFilter(choices=ProgramKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=ProgramStatus.choices, label=_("Status"))
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)
    ordering = django_filters.ChoiceFilter(choices=[(o, o) for o in PROGRAM_ORDERINGS], label=_("Sort by"))

    class Meta:
        model = FundingProgram
        fields: list[str] = []


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number or title"), max_length=100)
    program = IdFilter(label=_("Funding program"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=ProgramKind.choices, label=_("Program kind"))
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)
    flagged = django_filters.BooleanFilter(label=_("Experts disagree"))
    ordering = django_filters.ChoiceFilter(choices=[(o, o) for o in APPLICATION_ORDERINGS], label=_("Sort by"))

    class Meta:
        model = Application
        fields: list[str] = []


class ExpertFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or affiliation"), max_length=100)
    field = django_filters.ChoiceFilter(choices=ServiceDomain.choices, label=_("Field"))
    available = django_filters.BooleanFilter(label=_("Available"))

    class Meta:
        model = Expert
        fields: list[str] = []


class AssignmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AssignmentStatus.choices, label=_("Status"))

    class Meta:
        model = ReviewAssignment
        fields: list[str] = []
