"""Query parameters of the organization list, shared by the staff page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from governance.api.filtering import IdFilter, OrderingChoiceFilter
from orgs.models import (
    CreditList,
    Filing,
    FilingStatus,
    Grade,
    Organization,
    OrgKind,
    OrgStatus,
    PartyCoverage,
    ServiceDomain,
)

ORDERING_CHOICES = [
    ("name", _("Name")),
    ("-name", _("Name (descending)")),
    ("registered_date", _("Registered (oldest first)")),
    ("-registered_date", _("Registered (newest first)")),
    ("-created_at", _("Recently added")),
]


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"))
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices, label=_("Kind"))
    domain = django_filters.ChoiceFilter(choices=ServiceDomain.choices, label=_("Service domain"))
    status = django_filters.ChoiceFilter(choices=OrgStatus.choices, label=_("Status"))
    grade = django_filters.ChoiceFilter(choices=[*Grade.choices, ("none", _("No valid grade"))], label=_("Grade"))
    credit = django_filters.ChoiceFilter(choices=[*CreditList.choices, ("none", _("Not listed"))],
                                         label=_("Credit list"))
    region = IdFilter(label=_("Region (subtree)"))
    party_coverage = django_filters.ChoiceFilter(choices=[c for c in PartyCoverage.choices if c[0]],
                                                 label=_("Party coverage"))
    ordering = OrderingChoiceFilter(ORDERING_CHOICES, label=_("Sort by"), empty_label=None)

    class Meta:
        model = Organization
        fields: list[str] = []  # every filter is declared above; orgs.selectors applies them


class FilingFilter(django_filters.FilterSet):
    """Query parameters of the filing list API."""

    status = django_filters.ChoiceFilter(choices=FilingStatus.choices, label=_("Status"))

    class Meta:
        model = Filing
        fields: list[str] = []


class StatsFilter(django_filters.FilterSet):
    """Query parameters of the registry statistics API."""

    region = IdFilter(label=_("Region (subtree)"))

    class Meta:
        model = Organization
        fields: list[str] = []
