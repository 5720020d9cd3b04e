"""Filter forms of the registry's workflow lists: search by organization name or code and a region subtree
(the ``q`` and ``region`` parameters of the organization list), on top of each list's own filters.

Forms only validate; the selectors apply the filters. A value that does not validate drops only its own
filter (``filters()``), never the others, and never raises.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import RegionLevel
from governance.selectors import region_list
from governance.web import BootstrapFormMixin
from governance.widgets import fast_selects
from orgs.forms.workflow import CreditFilterForm, ReportFilterForm

SEARCH_MAX_LENGTH = 100
MAX_REGION_OPTIONS = 300


def region_options(user) -> list[tuple[int, str]]:
    """Streets and their communities the user may see, in tree order (a plain select; the cascading
    region picker replaces it). Beyond ``MAX_REGION_OPTIONS`` the streets only: their subtrees still match."""
    rows = list(region_list(user=user).filter(level__in=(RegionLevel.STREET, RegionLevel.COMMUNITY))
                .order_by("path").values_list("pk", "name", "level"))
    if len(rows) > MAX_REGION_OPTIONS:
        rows = [row for row in rows if row[2] == RegionLevel.STREET]
    return [(pk, name if level == RegionLevel.STREET else f"— {name}") for pk, name, level in rows]


class RegistrySearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Organization or code"), required=False, max_length=SEARCH_MAX_LENGTH)
    region = forms.TypedChoiceField(label=_("Region (subtree)"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["region"].choices = [("", _("All regions")), *region_options(user)]
        self.order_fields(["q", "region"])  # search and region first, then the list's own filters
        fast_selects(self)  # rendered in Python: the filter bar is on every page of the list

    def filters(self) -> dict:
        """The valid filters only (an unknown value in one parameter does not void the others)."""
        self.is_valid()
        return {key: value for key, value in getattr(self, "cleaned_data", {}).items()
                if value not in (None, "", [])}

    @property
    def searched(self) -> bool:
        return bool(self.filters())


class FilingListForm(RegistrySearchForm):
    """Filings: search and region (the status comes from the tabs)."""


class ChangeRequestListForm(RegistrySearchForm):
    """Change requests: search and region (the status comes from the tabs)."""


class CreditListForm(RegistrySearchForm, CreditFilterForm):
    """Credit-list entries: list, state and reason, and search and region."""


class ReportListForm(RegistrySearchForm, ReportFilterForm):
    """Annual reports: year, status, conclusion, overdue, and search and region."""
