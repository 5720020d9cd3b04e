"""Evaluation pages: the staff list (filters, search, sorting, pages, Excel export), the detail with its
breakdown and the recomputation check, the publication confirmation; the organization's published
evaluations in the portal. Thin: they parse, call a selector or the service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from governance.response_cache import cached_page
from governance.views import paginate, querystring_without_page
from governance.web import SortKey, service_errors, sort_queryset
from governance.workflows import labelled_history
from projects import permissions_evaluations as perms
from projects import selectors_evaluations as selectors
from projects.forms_evaluations import EvaluationFilterForm, PortalEvaluationFilterForm
from projects.models import Evaluation
from projects.permissions_tenders import can_view_tenders, is_org_user
from projects.services import evaluations as services
from projects.views.helpers import labels, require
from projects.views.tenders import export_list
from projects.workflows_evaluations import EVALUATION_WORKFLOW

EVALUATION_SORTS = {
    "period": SortKey(gettext_lazy("Evaluated up to"), "period"),
    "contract": SortKey(gettext_lazy("Contract number"), "contract__number"),
    "organization": SortKey(gettext_lazy("Supplier"), "contract__organization__name_pinyin",
                            "contract__organization__name"),
    "score": SortKey(gettext_lazy("Score"), "score"),
    "satisfaction": SortKey(gettext_lazy("Resident satisfaction"), "satisfaction"),
    "status": SortKey(gettext_lazy("Status"), "status"),
}


def _listing(request, form_class, selector):
    form = form_class(request.GET or None)
    queryset = selector(user=request.user, filters=form.filters()).only(*selectors.LIST_FIELDS)
    queryset, sorting = sort_queryset(request, queryset.prefetch_related(None), allowed=EVALUATION_SORTS,
                                      default="-period")
    return form, queryset, sorting


def _render_list(request, template, listing, **extra):
    form, queryset, sorting = listing
    return render(request, template, {"form": form, "page": paginate(request, queryset), "sorting": sorting,
                                      "query": querystring_without_page(request), "L": labels(Evaluation), **extra})


def _detail_context(evaluation) -> dict:
    return {"evaluation": evaluation, "components": selectors.breakdown_rows(evaluation),
            "recomputed": services.evaluation_recompute(evaluation), "L": labels(Evaluation)}


# --- staff -----------------------------------------------------------------------------------


@login_required
@cached_page
def evaluation_list(request):
    require(can_view_tenders(request.user))
    return _render_list(request, "projects/evaluations/evaluation_list.html",
                        _listing(request, EvaluationFilterForm, selectors.evaluation_list))


@login_required
@require_GET
def evaluation_export(request):
    from governance.imports.exporting import ExportColumn

    require(can_view_tenders(request.user))

    def local(value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""

    columns = [
        ExportColumn("合同编号", lambda e: e.contract.number, 16), ExportColumn("项目名称", lambda e: e.contract.title, 28),
        ExportColumn("服务机构", lambda e: e.contract.organization.name, 28),
        ExportColumn("评估类型", lambda e: str(e.get_kind_display()), 10),
        ExportColumn("评估截至", lambda e: e.period.isoformat(), 12), ExportColumn("得分", "score", 8),
        ExportColumn("等级", lambda e: str(e.get_band_display()), 8),
        ExportColumn("居民满意度", lambda e: "" if e.satisfaction is None else e.satisfaction, 10),
        ExportColumn("评价人次", "ratings", 8), ExportColumn("状态", lambda e: str(e.get_status_display()), 12),
        ExportColumn("计算时间", lambda e: local(e.computed_at), 18), ExportColumn("发布时间", lambda e: local(e.published_at), 18),
        ExportColumn("输入哈希(SHA-256)", "input_hash", 66), ExportColumn("公式版本", "formula_version", 10),
    ]
    return export_list(request, _listing(request, EvaluationFilterForm, selectors.evaluation_list), columns=columns,
                       title=_("Evaluations"), action="evaluation.export", sheet="绩效评估")


@login_required
def evaluation_detail(request, pk):
    evaluation = selectors.evaluation_get_for_user(user=request.user, pk=pk)
    return render(request, "projects/evaluations/evaluation_detail.html", {
        **_detail_context(evaluation),
        "can_publish": EVALUATION_WORKFLOW.can(evaluation, "published", request.user),
        "history": labelled_history(evaluation)})


@login_required
def evaluation_publish(request, pk):
    """GET: the confirmation page (what the organization will see); POST: publish."""
    evaluation = selectors.evaluation_get_for_user(user=request.user, pk=pk)
    require(perms.can_publish_evaluation(request.user, evaluation))
    if request.method == "POST":
        with service_errors(request) as outcome:
            services.evaluation_publish(actor=request.user, evaluation=evaluation,
                                        note=request.POST.get("note", "")[:2000])
        if outcome.ok:
            messages.success(request, _("Evaluation published; the organization has been notified."))
        return redirect("projects:evaluation-detail", evaluation.pk)
    return render(request, "projects/evaluations/evaluation_publish.html", _detail_context(evaluation))


# --- the organization portal -----------------------------------------------------------------


@login_required
def portal_evaluations(request):
    require(is_org_user(request.user))
    return _render_list(request, "projects/evaluations/portal_evaluations.html",
                        _listing(request, PortalEvaluationFilterForm, selectors.my_evaluations))


@login_required
def portal_evaluation(request, pk):
    evaluation = selectors.my_evaluation_get(user=request.user, pk=pk)
    return render(request, "projects/evaluations/portal_evaluation.html", _detail_context(evaluation))
