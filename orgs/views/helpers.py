"""Helpers of the registry's workflow pages (also used by the portal and the organization pages)."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.models.accounts import Role
from governance.web import SortKey, apply_errors, error_text, require_or_404, service_errors, sort_queryset  # noqa: F401  (re-exported)
from governance.workflows import labelled_history
from orgs import permissions, services
from orgs.models import NO_RECTIFICATION_REASONS, AnnualReport, CreditList, Organization, ReportStatus
from orgs.workflows import REPORT_WORKFLOW

# One version of each, in the core (governance.web); ``require`` is the registry's short name.
require = require_or_404


def uses_registry(user) -> bool:
    """Staff who see a subtree of the registry, or organization users (who see their own organization)."""
    return permissions.has_any_role(user, permissions.VIEW_ROLES | {Role.ORG_USER})


def is_registry_staff(user) -> bool:
    return permissions.has_any_role(user, permissions.VIEW_ROLES)


def form_error_text(form) -> str:
    return " ".join(str(message) for field_messages in form.errors.values() for message in field_messages)


def safe_next(request, default: str) -> str:
    """``next`` from the POST when it points into this site, else ``default`` (no open redirects)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def organization_url(organization: Organization) -> str | None:
    """The registry's detail page, once the registry pages provide it."""
    try:
        return reverse("orgs:detail", args=[organization.pk])
    except NoReverseMatch:
        return None


def history(obj, choices) -> list:
    """Status changes of ``obj`` with display labels of both ends."""
    return labelled_history(obj, choices)


def _display_value(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    return str(value)


def change_rows(change_request) -> list[dict]:
    """``[{field, label, current, requested}]`` of a change request, with the fields' labels."""
    rows = []
    for name, pair in (change_request.changes or {}).items():
        try:
            label = capfirst(Organization._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = name
        current, requested = (list(pair) + [None, None])[:2] if isinstance(pair, list | tuple) else (None, pair)
        rows.append({"field": name, "label": label, "current": _display_value(current),
                     "requested": _display_value(requested)})
    return rows


def key_field_labels() -> str:
    """Labels of the fields an organization changes only with staff approval, for explanations."""
    return "、".join(str(capfirst(Organization._meta.get_field(name).verbose_name))
                    for name in services.PORTAL_KEY_FIELDS)


SUBNAV = (
    # (url name, label, who sees it: "staff", "registry" (staff and organization users) or "org")
    ("orgs:list", gettext_lazy("Organizations"), "staff"),
    ("orgs:filing-list", gettext_lazy("Filings"), "registry"),
    ("orgs:report-list", gettext_lazy("Annual reports"), "registry"),
    ("orgs:campaign-list", gettext_lazy("Campaigns"), "staff"),
    ("orgs:credit-list", gettext_lazy("Credit lists"), "registry"),
    ("orgs:change-request-list", gettext_lazy("Change requests"), "staff"),
    ("orgs:portal", gettext_lazy("Our organization"), "org"),
)


def subnav(user, active: str) -> list[dict]:
    """Tabs linking the registry's workflow pages, limited to the ones the user may open."""
    allowed = {"staff": is_registry_staff(user), "registry": uses_registry(user),
               "org": permissions.is_org_user(user)}
    items = []
    for name, label, audience in SUBNAV:
        if not allowed[audience]:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": name == active})
    return items


def mark_credit_actions(user, record) -> None:
    """Which rectification / removal buttons ``user`` gets on ``record`` (the services check again)."""
    rectifiable = (
        record.list_type == CreditList.ABNORMAL and record.reason not in NO_RECTIFICATION_REASONS
        and record.rectification_verified_on is None
        and (record.removed_on is None or record.moved_to_id is not None)
    )
    manages = permissions.can_manage_credit(user, record.organization)
    record.apply_as_member = permissions.is_member(user, record.organization)
    record.show_apply = (rectifiable and record.rectification_applied_on is None
                         and permissions.can_apply_rectification(user, record))
    record.show_verify = rectifiable and record.rectification_applied_on is not None and manages
    record.show_remove = record.removed_on is None and manages


def mark_report(user, report: AnnualReport, today) -> None:
    report.is_overdue = report.due_date < today and report.status in (ReportStatus.OPEN, ReportStatus.RETURNED)
    report.show_edit = permissions.can_edit_report(user, report)
    report.show_submit = REPORT_WORKFLOW.can(report, ReportStatus.SUBMITTED, user)


def organization_sort(label) -> SortKey:
    """The sort of a workflow list by its organization's name, in pinyin order (governance.pinyin)."""
    return SortKey(label, "organization__name_pinyin", "organization__name")


def filtered_sorted(request, form_class, select, *, sorts: dict, default: str):
    """A list's filter form, its valid filters with the sort (what an export audits) and the rows:
    ``select(user=..., filters=...)`` sorted by the whitelisted ``?sort=`` (``governance.web.sort_queryset``)."""
    form = form_class(request.GET or None, user=request.user)
    filters = form.filters()
    queryset, sorting = sort_queryset(request, select(user=request.user, filters=filters), allowed=sorts,
                                      default=default)
    return form, {**filters, "sort": sorting.key}, queryset, sorting


def requested_status(request, choices) -> str:
    """The ``?status=`` asked for if it is one of ``choices``, else "" (all)."""
    status = request.GET.get("status") or ""
    return status if status in choices.values else ""


def status_tabs(request, queryset, choices) -> tuple[str, list[dict]]:
    """The ``?status=`` asked for (or "") and one tab per status with its count (one grouped query)."""
    status = requested_status(request, choices)
    counts = {row["status"]: row["n"] for row in queryset.values("status").annotate(n=Count("id")).order_by()}
    tabs = [{"code": "", "label": _("All"), "count": sum(counts.values()), "active": not status}]
    tabs += [{"code": code, "label": label, "count": counts.get(code, 0), "active": status == code}
             for code, label in choices.choices]
    return status, tabs
