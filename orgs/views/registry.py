"""Staff pages of the registry: list, detail, create/edit, status and export (imports: governance.imports).

Thin views (STYLE.md): they check the permission predicates, validate input with a form, call a
selector or a service and render. Anything a user may not see or do is a 404, never a 403, so the
pages do not confirm that an organization exists in another jurisdiction.
"""

from __future__ import annotations

from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from governance.response_cache import cached_page
from governance.selectors import audit_events_for_object
from governance.views import paginate, querystring_without_page
from governance.web import SortKey, sort_queryset
from governance.workflows import status_history, status_history_of
from orgs import permissions, selectors, services
from orgs.forms.registry import OrganizationFilterForm, OrganizationForm, StatusForm
from orgs.importing import IMPORTER_KEY
from orgs.models import (
    AnnualReport,
    ChangeRequestStatus,
    CreditRecord,
    EvaluationGrade,
    Filing,
    FilingStatus,
    FundingSource,
    Organization,
    OrgChangeRequest,
    OrgStatus,
    PerformanceRecord,
)
from orgs.validation import check_org_code, identity_warnings
from orgs.views.helpers import is_registry_staff, require, service_errors

DETAIL_TABS = ("profile", "reports", "grades", "credit", "performance", "history")
# What templates/orgs/registry/_organization_rows.html shows (grade and credit come as annotations).
LIST_ROW_FIELDS = ("name", "kind", "uscc", "filing_number", "status", "registered_date", "region__name")
HISTORY_LIMIT = 100


# --- helpers ---------------------------------------------------------------------------------


@cache
def model_labels(model) -> dict:
    """``{field name: capitalised verbose name}`` (lazy, so translated at render time), reverse relations too."""
    labels = {}
    for field in model._meta.get_fields():
        if hasattr(field, "verbose_name"):
            labels[field.name] = capfirst(field.verbose_name)
        elif field.related_model is not None:
            meta = field.related_model._meta
            labels[field.name] = capfirst(meta.verbose_name_plural if field.one_to_many else meta.verbose_name)
    return labels


def _staff_organization(request, pk) -> Organization:
    """The organization if the user sees it as staff; organization users use the portal instead."""
    organization = selectors.organization_get_for_user(user=request.user, pk=pk)
    require(permissions.region_in_jurisdiction(request.user, organization.region, permissions.VIEW_ROLES))
    return organization


# --- list and export -------------------------------------------------------------------------


# Sortable columns of the list and its export (``?sort=``); the API keeps its ``ordering`` parameter.
ORGANIZATION_SORTS = {
    "name": SortKey(gettext_lazy("Name"), "name_pinyin", "name"),
    "kind": SortKey(gettext_lazy("Kind"), "kind"),
    "code": SortKey(gettext_lazy("Code"), "uscc", "filing_number"),
    "region": SortKey(gettext_lazy("Region"), "region__path"),
    "status": SortKey(gettext_lazy("Status"), "status"),
    "grade": SortKey(gettext_lazy("Grade"), "-current_grade"),
    "credit": SortKey(gettext_lazy("Credit list"), "-credit_list"),
    "registered": SortKey(gettext_lazy("Registered or filed"), "registered_date"),
    "created": SortKey(gettext_lazy("Recently added"), "-created_at"),
}
# The ``ordering`` choices of the filter (shared with the API) as sort keys, for old links.
_ORDERING_SORTS = {"name": "name", "-name": "-name", "registered_date": "registered",
                   "-registered_date": "-registered", "created_at": "-created", "-created_at": "created"}


def _sorted_organizations(request, filters: dict):
    queryset = selectors.organization_list(user=request.user, filters=filters)
    default = _ORDERING_SORTS.get(filters.get("ordering") or "", "name")
    return sort_queryset(request, queryset, allowed=ORGANIZATION_SORTS, default=default)


@login_required
@cached_page
def organization_list(request):
    require(is_registry_staff(request.user))
    form = OrganizationFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    queryset, sorting = _sorted_organizations(request, filters)
    # The fast list path (docs/building-an-app.md): only the row template's columns, no domains prefetch.
    page = paginate(request, queryset.only(*LIST_ROW_FIELDS).prefetch_related(None), per_page=form.per_page())
    query = querystring_without_page(request)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "sorting": sorting,
        "filtered": bool({k for k in filters if k != "ordering"}),
        "L": model_labels(Organization),
        "can_create": permissions.can_create_org(request.user),
        "can_import": permissions.can_import_orgs(request.user),
        "import_key": IMPORTER_KEY,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "orgs/registry/_organization_rows.html", {**context, "oob": True})
    return render(request, "orgs/registry/organization_list.html", context)


@login_required
@require_GET
def organization_export(request):
    """Every row of the filtered list (not only one page) as an Excel workbook, streamed and audited."""
    from governance.imports.exporting import export_filename, export_response
    from orgs.exporting import SHEET_TITLE, export_columns, export_rows

    require(is_registry_staff(request.user))
    form = OrganizationFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    queryset, sorting = _sorted_organizations(request, filters)
    return export_response(actor=request.user, rows=export_rows(queryset), columns=export_columns(request.user),
                           filename=export_filename(_("Social organizations")), action="organization.export",
                           filters={**filters, "sort": sorting.key}, sheet_title=SHEET_TITLE,
                           object_repr=_("Organization list export"))


# --- detail ----------------------------------------------------------------------------------


@login_required
def organization_detail(request, pk: int):
    organization = _staff_organization(request, pk)
    user = request.user
    tab = request.GET.get("tab") if request.GET.get("tab") in DETAIL_TABS else "profile"
    context = {
        "org": organization,
        "tab": tab,
        "L": model_labels(Organization),
        "CL": model_labels(CreditRecord),
        "GL": model_labels(EvaluationGrade),
        "RL": model_labels(AnnualReport),
        "tabs": [
            ("profile", _("Profile")),
            ("reports", _("Annual reports")),
            ("grades", _("Grades")),
            ("credit", _("Credit records")),
            ("performance", _("Service performance")),
            ("history", _("History")),
        ],
        "can_edit": permissions.can_edit_org(user, organization),
        "can_change_status": permissions.can_change_org_status(user, organization),
        "can_award_grade": permissions.can_award_grade(user, organization),
        "can_manage_credit": permissions.can_manage_credit(user, organization),
    }
    if tab == "profile":
        context["domains"] = [d.get_domain_display() for d in organization.domains.all()]
        context["funding_labels"] = _funding_labels(organization)
        context["filing"] = Filing.objects.filter(organization=organization).first()
    elif tab == "reports":
        context["reports"] = organization.annual_reports.order_by("-year", "-id")
    elif tab == "grades":
        context["grades"] = organization.grades.select_related("awarded_by").order_by("-awarded_date", "-id")
        context["eligibility"] = selectors.grade_eligibility(organization=organization,
                                                             on_date=timezone.localdate())
    elif tab == "credit":
        records = list(CreditRecord.objects.filter(organization=organization)
                       .select_related("moved_to").order_by("-listed_on", "-id"))
        context["active_records"] = [r for r in records if r.removed_on is None]
        context["past_records"] = [r for r in records if r.removed_on is not None]
    elif tab == "performance":
        context["performance"] = selectors.performance_records(organization=organization)
        context["PL"] = model_labels(PerformanceRecord)
    elif tab == "history":
        context["events"] = audit_events_for_object(organization).select_related("content_type")[:HISTORY_LIMIT]
        context["status_changes"] = _status_changes(organization)
    if request.htmx and not request.htmx.boosted:
        return render(request, "orgs/registry/_detail_tabs.html", context)
    return render(request, "orgs/registry/organization_detail.html", context)


def _status_changes(organization: Organization) -> list:
    """Status changes of the organization and of its filing, newest first, with display labels."""
    labelled = [(change, dict(OrgStatus.choices), _("Organization status"))
                for change in status_history(organization)]
    filing = Filing.objects.filter(organization=organization).first()
    if filing is not None:
        labelled += [(change, dict(FilingStatus.choices), _("Filing"))
                     for change in status_history(filing)]
    requests = status_history_of(OrgChangeRequest, organization.change_requests.values_list("pk", flat=True))
    labelled += [(change, dict(ChangeRequestStatus.choices), _("Change request")) for change in requests]
    changes = []
    for change, labels, step in labelled:
        change.step_label = step
        change.from_label = labels.get(change.from_status, change.from_status)
        change.to_label = labels.get(change.to_status, change.to_status)
        changes.append(change)
    return sorted(changes, key=lambda c: (c.created_at, c.pk), reverse=True)


def _funding_labels(organization: Organization) -> list[str]:
    labels = dict(FundingSource.choices)
    return [str(labels.get(code, code)) for code in organization.funding_sources or []]


# --- create and edit -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request):
    require(permissions.can_create_org(request.user))
    return _organization_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request, pk: int):
    organization = _staff_organization(request, pk)
    require(permissions.can_edit_org(request.user, organization))
    return _organization_form(request, organization)


def _organization_form(request, organization: Organization | None):
    """Create (``organization`` None) or edit: one form, the service decides and validates."""
    form = OrganizationForm(request.POST or None, user=request.user, organization=organization)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        region = form.cleaned_data["region"]  # the picker's field checked tenant and jurisdiction
        if organization is not None and region.pk == organization.region_id:
            region = None
        with service_errors(request, form) as outcome:
            if organization is None:
                organization = services.organization_create(
                    actor=request.user, region=region, domains=form.cleaned_data["domains"], **fields)
            else:
                if region is not None:
                    fields["region"] = region
                organization = services.organization_update(
                    actor=request.user, organization=organization, domains=form.cleaned_data["domains"], **fields)
        if outcome.ok:
            messages.success(request, _("Organization saved."))
            _warn_identity(request, organization)
            return redirect("orgs:detail", pk=organization.pk)
    return render(request, "orgs/registry/organization_form.html", {"form": form, "org": organization})


def _warn_identity(request, organization: Organization) -> None:
    for warning in identity_warnings(kind=organization.kind, uscc=organization.uscc):
        messages.warning(request, _("Saved, but please check the credit code: %(warning)s") % {"warning": warning})


@login_required
@require_GET
def check_code(request):
    """Inline GB 32100 check while typing (htmx): a small fragment with the errors and warnings."""
    require(permissions.can_create_org(request.user))
    uscc = (request.GET.get("uscc") or "").strip().upper()
    kind = request.GET.get("kind") or ""
    result = check_org_code(uscc, kind) if uscc else None
    return render(request, "orgs/registry/_code_check.html", {"uscc": uscc, "result": result})


# --- status ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def organization_status(request, pk: int):
    organization = _staff_organization(request, pk)
    require(permissions.can_change_org_status(request.user, organization))
    form = StatusForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form) as outcome:
            services.organization_set_status(actor=request.user, organization=organization,
                                             status=form.cleaned_data["status"], note=form.cleaned_data["note"])
        if outcome.ok:
            messages.success(request, _("Status changed."))
            return redirect("orgs:detail", pk=pk)
    return render(request, "orgs/registry/organization_status.html", {"form": form, "org": organization})
