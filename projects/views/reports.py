"""Progress report pages: staff list, review and a contract's schedule, spending and tranche releases;
the organization's portal to fill in, attach evidence and submit. Thin: they parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.response_cache import cached_page
from governance.selectors import get_object_for_user_or_404
from governance.views import paginate, querystring_without_page
from governance.web import service_errors
from projects import permissions_reports, selectors_reports, selectors_tenders
from projects.models import ProgressReport, ReportStatus
from projects.permissions_tenders import can_manage_contract, can_view_tenders, is_org_user
from projects.services import reports as services
from projects.views.helpers import attach_uploaded, labels, require, serve_file
from projects.workflows_reports import REPORT_WORKFLOW

EXTRA_EXPENDITURE_ROWS = 3


def _filters(request) -> dict:
    return {key: request.GET.get(key, "") for key in ("q", "status", "contract", "overdue", "ordering")}


def _render_list(request, template, queryset):
    # Rows as dicts of the listed columns (selectors_reports.REPORT_LIST_VALUES), no model instances.
    page = paginate(request, queryset.values(*selectors_reports.REPORT_LIST_VALUES))
    page.object_list = selectors_reports.report_list_rows(list(page.object_list))
    return render(request, template, {"page": page, "query": querystring_without_page(request),
                                      "filters": _filters(request), "statuses": ReportStatus.choices,
                                      "L": labels(ProgressReport)})


# --- staff -----------------------------------------------------------------------------------


@login_required
@cached_page
def report_list(request):
    require(can_view_tenders(request.user))
    return _render_list(request, "projects/reports/report_list.html",
                        selectors_reports.report_list(user=request.user, filters=_filters(request)))


@login_required
def report_detail(request, pk):
    report = selectors_reports.report_get_for_user(user=request.user, pk=pk)
    return render(request, "projects/reports/report_detail.html", {
        "report": report, **selectors_reports.report_detail_rows(report), "L": labels(ProgressReport),
        "evidence_url": "projects:report-evidence-file",
        "can_review": bool(REPORT_WORKFLOW.allowed_targets(report, request.user)) and not is_org_user(request.user)})


@login_required
@require_POST
def report_review(request, pk):
    report = selectors_reports.report_get_for_user(user=request.user, pk=pk)
    require(permissions_reports.can_review_report(request.user, report))
    decision, note = request.POST.get("decision"), request.POST.get("note", "")[:2000]
    with service_errors(request) as outcome:
        if decision == "approve":
            services.report_approve(actor=request.user, report=report, note=note)
        elif decision == "return":
            services.report_return(actor=request.user, report=report, note=note)
        else:
            messages.error(request, _("Choose approve or return."))
            return redirect("projects:report-detail", report.pk)
    if outcome.ok:
        messages.success(request, _("Report approved.") if decision == "approve" else _("Report returned."))
    return redirect("projects:report-detail", report.pk)


@login_required
def contract_reports(request, pk):
    """A contract's report schedule, spending against the budget and tranches with what they wait for."""
    contract = selectors_tenders.contract_get_for_user(user=request.user, pk=pk)
    today = timezone.localdate()
    tranches = list(contract.tranches.select_related("contract", "depends_on", "payment").order_by("sequence"))
    gates = {r.tranche_id: r for r in contract.progress_reports.filter(tranche__isnull=False)}
    rows = []
    for tranche in tranches:
        tranche.contract = contract
        gate = gates.get(tranche.pk)
        problem = None
        if tranche.status == "scheduled":
            problem = services.tranche_gate_problem(tranche, on=today, gate=gate, gate_known=True)
        rows.append({"tranche": tranche, "gate": gate, "problem": problem,
                     "payment": getattr(tranche, "payment", None)})
    return render(request, "projects/reports/contract_reports.html", {
        "contract": contract, "reports": list(contract.progress_reports.order_by("sequence")),
        "tranche_rows": rows, "spending": selectors_reports.contract_spending(contract),
        "actuals": selectors_reports.contract_approved_actuals(contract), "today": today,
        "can_manage": can_manage_contract(request.user, contract), "L": labels(ProgressReport)})


@login_required
@require_POST
def contract_schedule(request, pk):
    contract = selectors_tenders.contract_get_for_user(user=request.user, pk=pk)
    require(can_manage_contract(request.user, contract))
    with service_errors(request) as outcome:
        reports = services.report_schedule_generate(actor=request.user, contract=contract)
    if outcome.ok:
        messages.success(request, _("%(n)s progress reports planned.") % {"n": len(reports)})
    return redirect("projects:contract-reports", contract.pk)


@login_required
@require_POST
def tranche_release(request, pk, tranche_pk):
    contract = selectors_tenders.contract_get_for_user(user=request.user, pk=pk)
    require(can_manage_contract(request.user, contract))
    tranche = get_object_for_user_or_404(contract.tranches.select_related("contract", "depends_on"), pk=tranche_pk)
    paid_on = parse_date(request.POST.get("date", "") or "") if len(request.POST.get("date", "")) <= 10 else None
    if paid_on is None:
        messages.error(request, _("Enter the payment date."))
        return redirect("projects:contract-reports", contract.pk)
    with service_errors(request) as outcome:
        services.tranche_release(actor=request.user, tranche=tranche, paid_on=paid_on,
                                 payer_name=request.POST.get("payer", "")[:200])
    if outcome.ok:
        messages.success(request, _("Payment of tranche %(n)s recorded.") % {"n": tranche.sequence})
    return redirect("projects:contract-reports", contract.pk)


@login_required
@require_GET
def report_evidence_file(request, pk, evidence_pk):
    """An evidence file of a report the staff user may see (404 otherwise)."""
    return serve_file(selectors_reports.report_get_for_user(user=request.user, pk=pk).evidence, evidence_pk)


# --- the organization portal -----------------------------------------------------------------


@login_required
def portal_reports(request):
    require(is_org_user(request.user))
    return _render_list(request, "projects/reports/portal_reports.html",
                        selectors_reports.my_reports(user=request.user, filters=_filters(request)))


def _posted_rows(request, rows) -> dict:
    actuals = []
    for row in rows["indicator_rows"]:
        key = f"ind-{row['indicator'].pk}"
        values = {name: request.POST.get(f"{key}-{name}", "").strip()[:40]
                  for name in ("value", "numerator", "denominator")}
        actuals.append({"indicator": row["indicator"].pk, **values,
                        "narrative": request.POST.get(f"{key}-narrative", "")[:2000]})
    expenditures = []
    count = request.POST.get("exp-count", "0")[:4]
    for index in range(min(int(count) if count.isdigit() else 0, 200)):
        line, amount = request.POST.get(f"exp-{index}-line", ""), request.POST.get(f"exp-{index}-amount", "")
        if line or amount:
            expenditures.append({"budget_line": line, "amount": amount[:40],
                                 "description": request.POST.get(f"exp-{index}-description", "")[:300]})
    return {"activities_held": request.POST.get("activities_held", "0")[:12] or 0,
            "beneficiaries_reached": request.POST.get("beneficiaries_reached", "0")[:12] or 0,
            "summary": request.POST.get("summary", "")[:20000], "actuals": actuals, "expenditures": expenditures}


@login_required
def portal_report(request, pk):
    report = selectors_reports.my_report_get(user=request.user, pk=pk)
    rows = selectors_reports.report_detail_rows(report)
    errors = None
    if request.method == "POST":
        require(permissions_reports.can_edit_report(request.user, report))
        with service_errors(request) as outcome:
            services.report_save(actor=request.user, report=report, **_posted_rows(request, rows))
        if outcome.ok:
            if request.POST.get("submit") == "1":
                with service_errors(request) as outcome:
                    services.report_submit(actor=request.user, report=report)
                if outcome.ok:
                    messages.success(request, _("Report submitted for review."))
            else:
                messages.success(request, _("Report saved."))
            return redirect("projects:portal-report", report.pk)
        errors = outcome.error
    expenditure_rows = [{"line": e.budget_line_id, "amount": e.amount, "description": e.description}
                        for e in rows["expenditures"]]
    expenditure_rows += [{"line": None, "amount": "", "description": ""}] * EXTRA_EXPENDITURE_ROWS
    return render(request, "projects/reports/portal_report.html", {
        "report": report, **rows, "expenditure_rows": expenditure_rows, "errors": errors,
        "evidence_url": "projects:portal-report-evidence-file",
        "editable": report.status in services.EDITABLE, "L": labels(ProgressReport)})


@login_required
@require_GET
def portal_report_evidence_file(request, pk, evidence_pk):
    """An evidence file of the organization's own report (404 for anyone else)."""
    return serve_file(selectors_reports.my_report_get(user=request.user, pk=pk).evidence, evidence_pk)


@login_required
@require_POST
def portal_report_evidence(request, pk):
    report = selectors_reports.my_report_get(user=request.user, pk=pk)
    attach_uploaded(request, lambda uploaded: services.report_evidence_add(actor=request.user, report=report,
                                                                          uploaded_file=uploaded))
    return redirect("projects:portal-report", report.pk)
