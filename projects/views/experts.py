"""The expert pool: list, export, detail with declared relations, create/edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from governance.views import paginate, querystring_without_page
from governance.web import SortKey, service_errors, sort_queryset
from orgs.models import ServiceDomain
from projects import permissions, selectors, services
from projects.forms import ExpertFilterForm, ExpertForm, RelationForm
from projects.models import Expert
from projects.views.helpers import labels, program_regions, require

EXPERT_SORTS = {
    "name": SortKey(gettext_lazy("Name"), "name"),
    "affiliation": SortKey(gettext_lazy("Affiliation"), "affiliation"),
    "region": SortKey(gettext_lazy("Pool region"), "region__path"),
}
FIELD_LABELS = dict(ServiceDomain.choices)


def _experts(request):
    form = ExpertFilterForm(request.GET or None)
    queryset = selectors.expert_list(user=request.user, filters=form.filters())
    queryset, sorting = sort_queryset(request, queryset, allowed=EXPERT_SORTS, default="name")
    return form, queryset, sorting


@login_required
def expert_list(request):
    require(permissions.can_view_projects(request.user))
    form, queryset, sorting = _experts(request)
    page = paginate(request, queryset)
    for expert in page.object_list:
        expert.field_labels = [FIELD_LABELS.get(code, code) for code in expert.fields or []]
    return render(request, "projects/expert_list.html", {
        "form": form, "page": page, "query": querystring_without_page(request), "sorting": sorting,
        "L": labels(Expert), "can_create": permissions.can_manage_experts(request.user),
        "can_import": permissions.can_import_experts(request.user)})


@login_required
@require_GET
def expert_export(request):
    from governance.imports.exporting import ExportColumn, export_filename, export_response

    require(permissions.can_view_projects(request.user))
    form, queryset, sorting = _experts(request)
    columns = [
        ExportColumn("姓名", "name", 12), ExportColumn("职称", "title", 14), ExportColumn("工作单位", "affiliation", 24),
        ExportColumn("任职社会组织", lambda e: e.employer.name if e.employer_id else "", 24),
        ExportColumn("专业领域", lambda e: "、".join(str(FIELD_LABELS.get(c, c)) for c in e.fields or []), 24),
        ExportColumn("专家库区域", lambda e: e.region.name, 14),
        ExportColumn("可抽取", lambda e: "是" if e.available else "否", 8),
    ]
    return export_response(actor=request.user, rows=queryset.iterator(chunk_size=500), columns=columns,
                           filename=export_filename(_("Experts")), action="expert.export",
                           filters={**form.filters(), "sort": sorting.key}, sheet_title="评审专家")


@login_required
def expert_detail(request, pk):
    expert = selectors.expert_get_for_user(user=request.user, pk=pk)
    return render(request, "projects/expert_detail.html", {
        "expert": expert, "relations": selectors.expert_relations(expert), "relation_form": RelationForm(),
        "field_labels": [FIELD_LABELS.get(code, code) for code in expert.fields or []], "L": labels(Expert),
        "can_edit": permissions.can_edit_expert(request.user, expert),
        "assignments": expert.assignments.select_related("application").order_by("-assigned_at")[:20]})


def _expert_form(request, expert=None):
    require(permissions.can_manage_experts(request.user) if expert is None
            else permissions.can_edit_expert(request.user, expert))
    regions = program_regions(request.user)
    initial = {}
    if expert is not None:
        initial = {name: getattr(expert, name) for name in (
            "region", "name", "title", "affiliation", "phone", "email", "available", "unavailable_until", "note",
            "fields", "employer", "user")}
    form = ExpertForm(request.POST or None, initial=initial, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        region = data.pop("region")
        with service_errors(request, form) as outcome:
            if expert is None:
                expert = services.expert_create(actor=request.user, region=region, **data)
            else:
                expert = services.expert_update(actor=request.user, expert=expert, **data)
        if outcome.ok:
            messages.success(request, _("Expert saved."))
            return redirect("projects:expert-detail", expert.pk)
    return render(request, "projects/expert_form.html", {"form": form, "expert": expert})


@login_required
def expert_create(request):
    return _expert_form(request)


@login_required
def expert_edit(request, pk):
    return _expert_form(request, selectors.expert_get_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def expert_relation_add(request, pk):
    expert = selectors.expert_get_for_user(user=request.user, pk=pk)
    require(permissions.can_edit_expert(request.user, expert))
    form = RelationForm(request.POST)
    if form.is_valid():
        with service_errors(request) as outcome:
            services.relation_declare(actor=request.user, expert=expert, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Relation recorded."))
    else:
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    return redirect("projects:expert-detail", expert.pk)
