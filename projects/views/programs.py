"""Funding programs: list, export, detail (ranking, eligibility check), create/edit, rank; review templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from governance.views import paginate, querystring_without_page
from governance.web import SortKey, service_errors, sort_queryset
from projects import permissions, selectors, services
from projects.forms import (
    CriterionFormSet,
    EligibilityForm,
    ProgramFilterForm,
    ProgramForm,
    TemplateForm,
    formset_rows,
)
from projects.models import ApplicationStatus, FundingProgram
from projects.views.helpers import labels, program_regions, require

PROGRAM_SORTS = {
    "year": SortKey(gettext_lazy("Year"), "year"),
    "name": SortKey(gettext_lazy("Name"), "name"),
    "kind": SortKey(gettext_lazy("Kind"), "kind"),
    "budget": SortKey(gettext_lazy("Budget pool"), "budget_pool"),
    "applications": SortKey(gettext_lazy("Applications"), "application_count"),
}


def _programs(request):
    form = ProgramFilterForm(request.GET or None)
    queryset = selectors.program_list(user=request.user, filters=form.filters())
    queryset, sorting = sort_queryset(request, queryset, allowed=PROGRAM_SORTS, default="-year")
    return form, queryset, sorting


@login_required
def program_list(request):
    require(permissions.can_view_projects(request.user))
    form, queryset, sorting = _programs(request)
    return render(request, "projects/program_list.html", {
        "form": form, "page": paginate(request, queryset), "query": querystring_without_page(request),
        "sorting": sorting, "L": labels(FundingProgram), "can_create": permissions.can_manage_programs(request.user),
    })


@login_required
@require_GET
def program_export(request):
    from governance.imports.exporting import ExportColumn, export_filename, export_response

    require(permissions.can_view_projects(request.user))
    form, queryset, sorting = _programs(request)
    columns = [
        ExportColumn("年度", "year", 8), ExportColumn("名称", "name", 32),
        ExportColumn("类型", lambda p: str(p.get_kind_display()), 16),
        ExportColumn("状态", lambda p: str(p.get_status_display()), 12),
        ExportColumn("所属区域", lambda p: p.region.name, 16), ExportColumn("资金池(元)", "budget_pool", 14),
        ExportColumn("单项上限(元)", "cap_per_application", 14), ExportColumn("申报数", "application_count", 8),
    ]
    return export_response(actor=request.user, rows=queryset.iterator(chunk_size=500), columns=columns,
                           filename=export_filename(_("Funding programs")), action="program.export",
                           filters={**form.filters(), "sort": sorting.key}, sheet_title="资金项目")


@login_required
def program_detail(request, pk):
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    ranking = (selectors.application_list(user=request.user, filters={"program": program.pk})
               .exclude(status=ApplicationStatus.DRAFT).order_by("rank", "-final_score", "number"))
    eligibility_form = EligibilityForm(request.GET if "organization" in request.GET else None)
    failures = None
    if eligibility_form.is_bound and eligibility_form.is_valid():
        failures = services.eligibility_explain(program=program,
                                                organization=eligibility_form.cleaned_data["organization"],
                                                on_date=timezone.localdate())
    approved = sum(a.approved_amount or 0 for a in ranking if a.status == ApplicationStatus.APPROVED)
    return render(request, "projects/program_detail.html", {
        "program": program, "ranking": ranking, "rules": services.program_rules(program),
        "criteria": list(program.review_template.criteria.all()) if program.review_template_id else [],
        "eligibility_form": eligibility_form, "failures": failures, "approved_total": approved,
        "pool_left": program.budget_pool - approved, "L": labels(FundingProgram),
        "can_edit": permissions.can_edit_program(request.user, program),
    })


def _program_form(request, program=None):
    require(permissions.can_manage_programs(request.user) if program is None
            else permissions.can_edit_program(request.user, program))
    initial = {name: getattr(program, name) for name in ProgramForm(regions=program_regions(request.user)).fields
               } if program else {"year": timezone.localdate().year}
    form = ProgramForm(request.POST or None, initial=initial, regions=program_regions(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        region = data.pop("region")
        with service_errors(request, form) as outcome:
            if program is None:
                program = services.program_create(actor=request.user, region=region, **data)
            else:
                program = services.program_update(actor=request.user, program=program, **data)
        if outcome.ok:
            messages.success(request, _("Program saved."))
            return redirect("projects:program-detail", program.pk)
    return render(request, "projects/program_form.html", {"form": form, "program": program})


@login_required
def program_create(request):
    return _program_form(request)


@login_required
def program_edit(request, pk):
    return _program_form(request, selectors.program_get_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def program_rank(request, pk):
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    require(permissions.can_edit_program(request.user, program))
    with service_errors(request) as outcome:
        ranked = services.program_rank_and_approve(actor=request.user, program=program)
    if outcome.ok:
        messages.success(request, _("%(n)s applications ranked and decided.") % {"n": len(ranked)})
    return redirect("projects:program-detail", program.pk)


@login_required
def template_list(request):
    require(permissions.can_view_projects(request.user))
    return render(request, "projects/template_list.html", {
        "templates": selectors.review_template_list(user=request.user),
        "can_edit": permissions.can_manage_programs(request.user)})


@login_required
def template_create(request):
    require(permissions.can_manage_programs(request.user))
    form = TemplateForm(request.POST or None)
    formset = CriterionFormSet(request.POST or None, prefix="criteria")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with service_errors(request, form) as outcome:
            services.review_template_save(actor=request.user, criteria=formset_rows(formset), **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Review template saved."))
            return redirect("projects:template-list")
    return render(request, "projects/template_form.html", {"form": form, "formset": formset})
