"""Renewal review pages: the staff list (filters, search, sort, export), the review with the recommendation's
reasons and the decision form. Thin: they parse, call a selector or the service, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from governance.response_cache import cached_page
from governance.web import SortKey, service_errors, sort_queryset
from governance.workflows import labelled_history
from projects import permissions_renewals as perms
from projects import selectors_renewals
from projects.forms_renewals import RenewalDecisionForm, RenewalFilterForm
from projects.models.renewals import RenewalReview, RenewalStatus
from projects.services import renewals as services
from projects.views.helpers import require
from projects.views.tenders import _render_list, export_list

RENEWAL_SORTS = {
    "end": SortKey(gettext_lazy("Contract ends"), "contract__end_date"),
    "number": SortKey(gettext_lazy("Contract number"), "contract__number"),
    "organization": SortKey(gettext_lazy("Supplier"), "contract__organization__name_pinyin",
                            "contract__organization__name"),
    "recommendation": SortKey(gettext_lazy("Recommendation"), "recommendation"),
    "status": SortKey(gettext_lazy("Status"), "status"),
}
LIST_FIELDS = ("id", "status", "recommendation", "contract__id", "contract__number", "contract__title",
               "contract__end_date", "contract__amount", "contract__organization__name",
               "contract__region__path")


def _listing(request):
    form = RenewalFilterForm(request.GET or None)
    queryset = selectors_renewals.renewal_list(user=request.user, filters=form.filters())
    queryset, sorting = sort_queryset(request, queryset, allowed=RENEWAL_SORTS, default="end")
    return form, queryset, sorting


@login_required
@cached_page
def renewal_list(request):
    require(perms.can_view_renewals(request.user))
    form, queryset, sorting = _listing(request)
    return _render_list(request, "projects/renewals/renewal_list.html", form,
                        queryset.only(*LIST_FIELDS).prefetch_related(None), sorting, RenewalReview)


@login_required
@require_GET
def renewal_export(request):
    from governance.imports.exporting import ExportColumn

    require(perms.can_view_renewals(request.user))
    columns = [
        ExportColumn("合同编号", lambda r: r.contract.number, 18), ExportColumn("名称", lambda r: r.contract.title, 32),
        ExportColumn("服务机构", lambda r: r.contract.organization.name, 28),
        ExportColumn("协议结束", lambda r: r.contract.end_date.isoformat(), 12),
        ExportColumn("建议", lambda r: str(r.get_recommendation_display()), 14),
        ExportColumn("理由", lambda r: "；".join(t["text"] for t in services.reason_texts(r.reasons)), 60),
        ExportColumn("状态", lambda r: str(r.get_status_display()), 12),
        ExportColumn("条件", "conditions", 30),
        ExportColumn("决定日期", lambda r: timezone.localtime(r.decided_at).date().isoformat() if r.decided_at else "",
                     12),
    ]
    return export_list(request, _listing(request), columns=columns, title=_("Renewal reviews"),
                       action="renewal.export", sheet="续约评审")


def _default_window() -> dict:
    opens = timezone.localtime().replace(second=0, microsecond=0)
    return {"bid_opens": opens, "bid_closes": opens + datetime.timedelta(days=14)}


def _detail(request, review, form=None, status=200):
    can_decide = review.status == RenewalStatus.PENDING and perms.can_decide_renewal(request.user, review)
    return render(request, "projects/renewals/renewal_detail.html", {
        "review": review, "contract": review.contract, "reasons": services.reason_texts(review.reasons),
        "history": labelled_history(review), "can_decide": can_decide,
        "form": form or (RenewalDecisionForm(initial=_default_window()) if can_decide else None)}, status=status)


@login_required
def renewal_detail(request, pk):
    return _detail(request, selectors_renewals.renewal_get_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def renewal_decide(request, pk):
    review = selectors_renewals.renewal_get_for_user(user=request.user, pk=pk)
    require(perms.can_decide_renewal(request.user, review))
    form = RenewalDecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, review, form, status=400)
    with service_errors(request, form) as outcome:
        services.renewal_decide(actor=request.user, review=review, **form.cleaned_data)
    if not outcome.ok:
        review.refresh_from_db()
        return _detail(request, review, form, status=400)
    messages.success(request, _("Renewal decided: %(decision)s.") % {"decision": review.get_status_display()})
    return redirect("projects:renewal-detail", review.pk)
