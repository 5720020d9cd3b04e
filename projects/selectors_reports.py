"""Reads of progress reports and spending; every list is scoped, look-ups raise 404 otherwise.

Staff see the reports of contracts whose buyer region or applying unit lies in their subtree; an
organization user sees only their own organizations' reports. Only approved reports count in
``contract_approved_actuals`` and ``contract_spending`` (a draft may be added to preview its warnings).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from governance.selectors import get_object_for_user_or_404, scope_condition
from orgs.permissions import is_org_user, member_organization_ids
from projects.models import (
    Aggregation,
    BudgetCategory,
    BudgetLine,
    Contract,
    IndicatorActual,
    ProgressReport,
    ReportExpenditure,
    ReportKind,
    ReportStatus,
)
from projects.permissions import VIEW_ROLES

REPORT_ORDERINGS = ("due_date", "-due_date", "sequence", "-submitted_at")
HUNDRED = Decimal(100)


def _filtered(queryset: QuerySet, filters: dict) -> QuerySet:
    queryset = queryset.select_related("contract__organization", "contract__region")
    if q := str(filters.get("q") or "").strip()[:100]:
        queryset = queryset.filter(Q(contract__number__icontains=q) | Q(contract__title__icontains=q)
                                   | Q(contract__organization__name__icontains=q))
    if filters.get("status") in ReportStatus.values:
        queryset = queryset.filter(status=filters["status"])
    if str(filters.get("contract") or "").isdigit():
        queryset = queryset.filter(contract_id=int(filters["contract"]))
    if filters.get("overdue") in ("1", True):
        queryset = queryset.filter(overdue=True, status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])
    ordering = filters.get("ordering")
    return queryset.order_by(ordering if ordering in REPORT_ORDERINGS else "due_date", "id")


def report_list(*, user, filters: dict | None = None) -> QuerySet[ProgressReport]:
    """Staff: the reports of the contracts in the user's subtree (the buyer's region or the application's)."""
    by_contract = scope_condition(user, region_field="contract__region", roles=VIEW_ROLES)
    if by_contract is None:
        return ProgressReport.objects.none()
    by_application = scope_condition(user, region_field="contract__application__region", roles=VIEW_ROLES)
    return _filtered(ProgressReport.objects.filter(by_contract | by_application), filters or {})


# Columns of a list row (API and HTML lists read ``.values(*REPORT_LIST_VALUES)``, no model instances).
REPORT_LIST_VALUES = ("id", "contract_id", "contract__number", "contract__organization__name", "sequence", "kind",
                      "period_start", "period_end", "due_date", "status", "overdue", "tranche_id")


def report_list_rows(rows: list[dict]) -> list[dict]:
    """The list rows with their choices' labels (``kind_display``, ``status_display``) in the request's language."""
    kinds = {value: str(label) for value, label in ReportKind.choices}
    statuses = {value: str(label) for value, label in ReportStatus.choices}
    for row in rows:
        row["kind_display"] = kinds.get(row["kind"], row["kind"])
        row["status_display"] = statuses.get(row["status"], row["status"])
    return rows


def report_get_for_user(*, user, pk) -> ProgressReport:
    return get_object_for_user_or_404(report_list(user=user), pk=pk)


def my_reports(*, user, filters: dict | None = None) -> QuerySet[ProgressReport]:
    """The organization's own reports (portal)."""
    ids = member_organization_ids(user) if is_org_user(user) else frozenset()
    return _filtered(ProgressReport.objects.filter(contract__organization_id__in=ids), filters or {})


def my_report_get(*, user, pk) -> ProgressReport:
    return get_object_for_user_or_404(my_reports(user=user), pk=pk)


def report_detail_rows(report: ProgressReport) -> dict:
    """Indicators with this report's figures, expenditure lines, evidence files (a fixed number of queries)."""
    actuals = {a.indicator_id: a for a in report.actuals.all()}
    indicators = list(report.contract.indicators.all())
    return {
        "indicator_rows": [{"indicator": i, "actual": actuals.get(i.pk)} for i in indicators],
        "expenditures": list(report.expenditures.select_related("budget_line")),
        "evidence": list(report.evidence.all()),
        "budget_lines": list(BudgetLine.objects.filter(application_id=report.contract.application_id)),
        "spending": contract_spending(report.contract, report=report),
    }


def contract_approved_actuals(contract: Contract) -> list[dict]:
    """Per contract indicator, the figure reached by approved reports only (what the evaluation reads).

    Cumulative indicators add up the periods (a share adds numerators and denominators); per-period
    indicators take the latest approved period. ``actual`` is None while no approved report gives a figure."""
    rows = defaultdict(list)
    for actual in (IndicatorActual.objects.filter(report__contract=contract, report__status=ReportStatus.APPROVED)
                   .order_by("report__sequence").only("indicator_id", "value", "numerator", "denominator",
                                                      "report__sequence")):
        rows[actual.indicator_id].append(actual)
    result = []
    for indicator in contract.indicators.all():
        found = rows.get(indicator.pk, [])
        actual = None
        if found and indicator.aggregation == Aggregation.CUMULATIVE:
            if all(a.denominator for a in found):
                denominator = sum(a.denominator for a in found)
                actual = (sum(a.numerator for a in found) * HUNDRED / denominator).quantize(Decimal("0.01"))
            else:
                actual = sum((a.value or Decimal(0) for a in found), Decimal(0))
        elif found:
            actual = found[-1].value
        result.append({"indicator": indicator, "indicator_id": indicator.pk, "target": indicator.target,
                       "actual": actual, "reports": len(found)})
    return result


def contract_spending(contract: Contract, *, report: ProgressReport | None = None,
                      overhead_max_share: Decimal | None = None) -> dict:
    """Approved spending per budget line against the line (warning above 100 %), and the overhead share.

    ``report`` (a draft or a submitted report) is added to preview its effect; approved reports always count."""
    from projects.services.reports import report_settings_for

    if overhead_max_share is None:
        overhead_max_share = report_settings_for(contract.tenant).overhead_max_share
    counted = Q(report__contract=contract, report__status=ReportStatus.APPROVED)
    if report is not None and report.status != ReportStatus.APPROVED:
        counted |= Q(report=report)
    spent = dict(ReportExpenditure.objects.filter(counted).values("budget_line_id")
                 .annotate(total=Sum("amount")).values_list("budget_line_id", "total"))
    lines, warnings = [], []
    for line in BudgetLine.objects.filter(application_id=contract.application_id).order_by("id"):
        amount = Decimal(spent.get(line.pk) or 0).quantize(Decimal("0.01"))
        share = (amount * HUNDRED / line.amount).quantize(Decimal("0.1"))
        over = amount > line.amount
        if over:
            warnings.append(_("%(line)s: %(spent)s yuan spent of a %(budget)s yuan budget line (%(share)s %%).")
                            % {"line": line.get_category_display(), "spent": amount, "budget": line.amount,
                               "share": share})
        lines.append({"budget_line": line, "budget": line.amount, "spent": amount, "share": share, "over": over})
    total = sum((row["spent"] for row in lines), Decimal(0))
    overhead = sum((row["spent"] for row in lines if row["budget_line"].category == BudgetCategory.MANAGEMENT),
                   Decimal(0))
    overhead_share = (overhead * HUNDRED / total).quantize(Decimal("0.1")) if total else Decimal(0)
    overhead_over = overhead_share > overhead_max_share
    if overhead_over:
        warnings.append(_("Management costs are %(share)s %% of the spending, above the limit of %(limit)s %%.")
                        % {"share": overhead_share, "limit": f"{overhead_max_share.normalize():f}"})
    return {"lines": lines, "budget": sum((row["budget"] for row in lines), Decimal(0)), "spent": total,
            "overhead": overhead, "overhead_share": overhead_share, "overhead_limit": overhead_max_share,
            "overhead_over": overhead_over, "warnings": warnings}
