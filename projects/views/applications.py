"""Applications: list, export, detail (task book, draws, scores, actions), create/edit and the steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from governance.response_cache import cached_page
from governance.selectors import audit_events_for_object
from governance.views import paginate, querystring_without_page
from governance.web import SortKey, service_errors, sort_queryset
from governance.workflows import labelled_history
from projects import permissions, selectors, services
from projects.forms import (
    ApplicationFilterForm,
    ApplicationForm,
    BudgetLineFormSet,
    ConsultationForm,
    CosignerFormSet,
    DecisionForm,
    IndicatorFormSet,
    formset_rows,
)
from projects.models import Application, ApplicationStatus, ProgramStatus
from projects.views.helpers import apply_regions, labels, require
from projects.workflows import APPLICATION_WORKFLOW

APPLICATION_SORTS = {
    "created": SortKey(gettext_lazy("Created"), "created_at"),
    "number": SortKey(gettext_lazy("Number"), "number"),
    "amount": SortKey(gettext_lazy("Requested amount"), "requested_amount"),
    "score": SortKey(gettext_lazy("Final score"), "final_score"),
    "rank": SortKey(gettext_lazy("Rank"), "rank"),
    "status": SortKey(gettext_lazy("Status"), "status"),
}


def _applications(request):
    form = ApplicationFilterForm(request.GET or None)
    queryset = selectors.application_list(user=request.user, filters=form.filters())
    queryset, sorting = sort_queryset(request, queryset, allowed=APPLICATION_SORTS, default="-created")
    return form, queryset, sorting


@login_required
@cached_page
def application_list(request):
    require(permissions.can_view_projects(request.user))
    form, queryset, sorting = _applications(request)
    return render(request, "projects/application_list.html", {
        "form": form, "page": paginate(request, queryset), "query": querystring_without_page(request),
        "sorting": sorting, "L": labels(Application),
        "can_create": permissions.can_create_application(request.user),
    })


@login_required
@require_GET
def application_export(request):
    from governance.imports.exporting import ExportColumn, export_filename, export_response

    require(permissions.can_view_projects(request.user))
    form, queryset, sorting = _applications(request)
    columns = [
        ExportColumn("编号", "number", 16), ExportColumn("项目名称", "title", 32),
        ExportColumn("资金项目", lambda a: a.program.name, 24), ExportColumn("申报单位", lambda a: a.region.name, 16),
        ExportColumn("状态", lambda a: str(a.get_status_display()), 12),
        ExportColumn("申请金额(元)", "requested_amount", 14), ExportColumn("批准金额(元)", "approved_amount", 14),
        ExportColumn("评审得分", "final_score", 10), ExportColumn("排名", "rank", 6),
        ExportColumn("专家分歧", lambda a: "是" if a.spread_flagged else "", 8),
    ]
    return export_response(actor=request.user, rows=queryset.iterator(chunk_size=500), columns=columns,
                           filename=export_filename(_("Applications")), action="application.export",
                           filters={**form.filters(), "sort": sorting.key}, sheet_title="项目申报")


def _history(application) -> list:
    return labelled_history(application, ApplicationStatus.choices)


@login_required
def application_detail(request, pk):
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    user = request.user
    decide = permissions.can_decide_application(user, application)
    program = application.program
    context = {
        "a": application, "program": program, **selectors.application_detail_rows(application),
        "L": labels(Application), "history": _history(application),
        "reviews": selectors.review_overview(user=user, application=application),
        "criteria": list(program.review_template.criteria.all()) if program.review_template_id else [],
        "can_edit": permissions.can_edit_application(user, application)
        and application.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED),
        "can_submit": APPLICATION_WORKFLOW.can(application, ApplicationStatus.SUBMITTED, user),
        "can_start_review": decide and application.status == ApplicationStatus.SUBMITTED
        and not program.decided_by_residents,
        "can_consult": decide and application.status == ApplicationStatus.SUBMITTED and program.decided_by_residents
        and not hasattr(application, "consultation"),
        "can_decide": decide and application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW),
        "problems": services.completeness_problems(application)
        if application.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED) else [],
        "consultation_form": ConsultationForm(), "events": audit_events_for_object(application)[:50] if decide else [],
    }
    return render(request, "projects/application_detail.html", context)


def _application_form(request, application=None):
    user = request.user
    if application is None:
        require(permissions.can_create_application(user))
    else:
        require(permissions.can_edit_application(user, application))
    programs = selectors.program_list(user=user, filters={"status": ProgramStatus.OPEN})
    if application is not None:
        initial = {name: getattr(application, name) for name in (
            "program", "region", "title", "need_statement", "target_groups", "beneficiaries",
            "service_period_months", "applicant_organization")}
        initial["likely_bidders"] = list(application.likely_bidders.all())
        lines = [{"category": x.category, "amount": x.amount, "rationale": x.rationale}
                 for x in application.budget_lines.all()]
        indicators = [{f: getattr(x, f) for f in ("name", "kind", "unit", "baseline", "target", "weight",
                                                   "direction", "aggregation")} for x in application.indicators.all()]
        signers = [{"name": x.name, "capacity": x.capacity, "signed_on": x.signed_on}
                   for x in application.cosigners.all()]
    else:
        initial, lines, indicators, signers = {"program": request.GET.get("program")}, [], [], []
    data = request.POST or None
    form = ApplicationForm(data, initial=initial, regions=apply_regions(user), programs=programs)
    budget = BudgetLineFormSet(data, prefix="lines", initial=lines)
    taskbook = IndicatorFormSet(data, prefix="indicators", initial=indicators)
    cosigners = CosignerFormSet(data, prefix="cosigners", initial=signers)
    if request.method == "POST" and all([form.is_valid(), budget.is_valid(), taskbook.is_valid(),
                                         cosigners.is_valid()]):
        fields = dict(form.cleaned_data)
        program, region, bidders = fields.pop("program"), fields.pop("region"), fields.pop("likely_bidders")
        with service_errors(request, form) as outcome:
            if application is None:
                application = services.application_create(
                    actor=user, program=program, region=region, budget_lines=formset_rows(budget),
                    indicators=formset_rows(taskbook), cosigners=formset_rows(cosigners), likely_bidders=bidders,
                    **fields)
            else:
                services.application_update(actor=user, application=application, budget_lines=formset_rows(budget),
                                            indicators=formset_rows(taskbook), cosigners=formset_rows(cosigners),
                                            likely_bidders=bidders, **fields)
        if outcome.ok:
            messages.success(request, _("Application saved."))
            return redirect("projects:application-detail", application.pk)
    return render(request, "projects/application_form.html", {
        "form": form, "budget": budget, "taskbook": taskbook, "cosigners": cosigners, "application": application})


@login_required
def application_create(request):
    return _application_form(request)


@login_required
def application_edit(request, pk):
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    return _application_form(request, application)


def _step(request, pk, run, done: str):
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    with service_errors(request) as outcome:
        run(application)
    if outcome.ok:
        messages.success(request, done)
    return redirect("projects:application-detail", application.pk)


@login_required
@require_POST
def application_submit(request, pk):
    return _step(request, pk, lambda a: services.application_submit(actor=request.user, application=a),
                 _("Application submitted."))


@login_required
@require_POST
def application_start_review(request, pk):
    return _step(request, pk, lambda a: services.application_start_review(actor=request.user, application=a),
                 _("Experts drawn; the application is in review."))


@login_required
@require_POST
def application_decide(request, pk):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the decision."))
        return redirect("projects:application-detail", pk)
    data = form.cleaned_data
    return _step(request, pk, lambda a: services.application_decide(
        actor=request.user, application=a, to=data["to"], note=data["note"],
        approved_amount=data["approved_amount"]), _("Decision recorded."))


@login_required
@require_POST
def application_consultation(request, pk):
    form = ConsultationForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect("projects:application-detail", pk)
    return _step(request, pk, lambda a: services.consultation_record(actor=request.user, application=a,
                                                                     **form.cleaned_data),
                 _("Consultation recorded and the application decided by its vote."))
