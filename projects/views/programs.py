"""Funding programs: list, export, detail (ranking, eligibility check), create/edit, rank; review templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from governance.response_cache import cached_page
from governance.views import paginate, querystring_without_page
from governance.web import SortKey, service_errors, sort_queryset
from governance.workflows import labelled_history
from projects import permissions, selectors, services
from projects.forms import (
    CriterionEditFormSet,
    CriterionFormSet,
    EligibilityForm,
    ProgramFilterForm,
    ProgramForm,
    ProgramTransitionForm,
    TemplateForm,
    formset_rows,
)
from projects.models import ApplicationStatus, FundingProgram, ProgramStatus
from projects.services.programs import CRITERION_FIELDS
from projects.views.helpers import labels, program_regions, require
from projects.workflows_programs import EARLY_CLOSE_FROM, PROGRAM_WORKFLOW

# The button of each program step and the question it asks before an irreversible move.
PROGRAM_STEPS = {
    ProgramStatus.OPEN: (gettext_lazy("Open for applications"),
                         gettext_lazy("Open the call? Applying units can then submit applications.")),
    ProgramStatus.REVIEWING: (gettext_lazy("Start the review"),
                              gettext_lazy("Close applications and start the review? New applications are refused.")),
    ProgramStatus.CLOSED: (gettext_lazy("Close the program"),
                           gettext_lazy("Close the program? This cannot be undone.")),
}

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
@cached_page
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
        "steps": [{"to": to, "label": PROGRAM_STEPS[to][0], "confirm": PROGRAM_STEPS[to][1],
                   "needs_note": to == ProgramStatus.CLOSED and program.status in EARLY_CLOSE_FROM}
                  for to in PROGRAM_WORKFLOW.allowed_targets(program, request.user)],
        "history": labelled_history(program),
    })


def _program_form(request, program=None):
    require(permissions.can_manage_programs(request.user) if program is None
            else permissions.can_edit_program(request.user, program))
    initial = {name: getattr(program, name) for name in ProgramForm(regions=program_regions(request.user)).fields
               } if program else {"year": timezone.localdate().year}
    form = ProgramForm(request.POST or None, initial=initial, regions=program_regions(request.user),
                       creating=program is None)
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
def program_transition(request, pk):
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    require(permissions.can_edit_program(request.user, program))
    form = ProgramTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This step is not possible."))
        return redirect("projects:program-detail", program.pk)
    with service_errors(request) as outcome:
        services.program_transition(actor=request.user, program=program, to=form.cleaned_data["to"],
                                    note=form.cleaned_data["note"])
    if outcome.ok:
        messages.success(request, _("Program status: %(status)s.") % {"status": program.get_status_display()})
    return redirect("projects:program-detail", program.pk)


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


@login_required
def template_edit(request, pk):
    """Change a template's criteria (add, remove, reweight) while no experts were drawn with it."""
    require(permissions.can_manage_programs(request.user))
    template = selectors.review_template_get_for_user(user=request.user, pk=pk)
    if template.in_use:
        messages.error(request, _("Experts have already been drawn with this template; copy it instead."))
        return redirect("projects:template-list")
    initial = [{name: getattr(c, name) for name in CRITERION_FIELDS} for c in template.criteria.all()]
    form = TemplateForm(request.POST or None, initial={"name": template.name, "description": template.description})
    formset = (CriterionEditFormSet(request.POST, prefix="criteria") if request.method == "POST"
               else CriterionEditFormSet(prefix="criteria", initial=initial))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with service_errors(request, form) as outcome:
            criteria = [{k: v for k, v in row.items() if k != "DELETE"} for row in formset_rows(formset)]
            services.review_template_save(actor=request.user, template=template, criteria=criteria,
                                          **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Review template saved."))
            return redirect("projects:template-list")
    return render(request, "projects/template_form.html", {"form": form, "formset": formset, "template": template})


@login_required
@require_POST
def template_copy(request, pk):
    require(permissions.can_manage_programs(request.user))
    template = selectors.review_template_get_for_user(user=request.user, pk=pk)
    with service_errors(request) as outcome:
        copy = services.review_template_copy(actor=request.user, template=template)
    if outcome.ok:
        messages.success(request, _("Copied to %(name)s: edit the new version.") % {"name": copy.name})
        return redirect("projects:template-edit", copy.pk)
    return redirect("projects:template-list")
