"""Staff pages of tenders, bids and awards: lists (search, filters, sorting, pages, export), the tender
page with its bids, checks, evaluations and award, and the risk flags."""

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
from governance.views import paginate, querystring_without_page
from governance.web import SortKey, service_errors, sort_queryset
from projects import permissions_tenders as perms
from projects import selectors, selectors_tenders
from projects.forms_tenders import (
    AwardFilterForm,
    AwardForm,
    BidFilterForm,
    EvaluateForm,
    NoteForm,
    QualifyForm,
    TenderCloseForm,
    TenderFilterForm,
    TenderForm,
)
from projects.models import Award, Bid, BidStatus, Tender, TenderStatus
from projects.services import tenders as services
from projects.views.helpers import labels, require, serve_file
from projects.workflows_tenders import AWARD_WORKFLOW

TENDER_SORTS = {
    "closes": SortKey(gettext_lazy("Bids close"), "bid_closes"),
    "title": SortKey(gettext_lazy("Title"), "title"),
    "budget": SortKey(gettext_lazy("Budget"), "budget_amount"),
    "bids": SortKey(gettext_lazy("Bids"), "bid_count"),
    "status": SortKey(gettext_lazy("Status"), "status"),
}
BID_SORTS = {
    "submitted": SortKey(gettext_lazy("Submitted"), "submitted_at"),
    "price": SortKey(gettext_lazy("Price"), "price"),
    "organization": SortKey(gettext_lazy("Organization"), "organization__name_pinyin", "organization__name"),
    "score": SortKey(gettext_lazy("Score"), "best_total"),
    "status": SortKey(gettext_lazy("Status"), "status"),
}
AWARD_SORTS = {
    "decided": SortKey(gettext_lazy("Decided"), "decided_at"),
    "amount": SortKey(gettext_lazy("Amount"), "amount"),
    "organization": SortKey(gettext_lazy("Supplier"), "organization__name_pinyin", "organization__name"),
    "standstill": SortKey(gettext_lazy("Standstill ends"), "standstill_ends"),
}


def _listing(request, form_class, selector, sorts, default):
    form = form_class(request.GET or None)
    queryset = selector(user=request.user, filters=form.filters())
    queryset, sorting = sort_queryset(request, queryset, allowed=sorts, default=default)
    return form, queryset, sorting


def export_list(request, listing, *, columns, title, action: str, sheet: str):
    """The filtered, sorted list as an audited Excel download (``listing`` = (form, queryset, sorting))."""
    from governance.imports.exporting import export_filename, export_response

    form, queryset, sorting = listing
    return export_response(actor=request.user, rows=queryset.iterator(chunk_size=500), columns=columns,
                           filename=export_filename(title), action=action,
                           filters={**form.filters(), "sort": sorting.key}, sheet_title=sheet)


def _render_list(request, template, form, queryset, sorting, model, **extra):
    return render(request, template, {"form": form, "page": paginate(request, queryset), "sorting": sorting,
                                      "query": querystring_without_page(request), "L": labels(model), **extra})


# --- tenders ---------------------------------------------------------------------------------


@login_required
@cached_page
def tender_list(request):
    require(perms.can_view_tenders(request.user))
    form, queryset, sorting = _listing(request, TenderFilterForm, selectors_tenders.tender_list, TENDER_SORTS, "-closes")
    return _render_list(request, "projects/tender_list.html", form, queryset, sorting, Tender,
                        to_tender=selectors_tenders.applications_to_tender(user=request.user))


@login_required
@require_GET
def tender_export(request):
    from governance.imports.exporting import ExportColumn

    require(perms.can_view_tenders(request.user))
    listing = _listing(request, TenderFilterForm, selectors_tenders.tender_list, TENDER_SORTS, "-closes")
    columns = [
        ExportColumn("OCDS编号", "ocid", 28), ExportColumn("标题", "title", 32),
        ExportColumn("项目编号", lambda t: t.application.number, 16),
        ExportColumn("采购单位", lambda t: t.region.name, 16), ExportColumn("预算(元)", "budget_amount", 14),
        ExportColumn("投标开始", lambda t: f"{timezone.localtime(t.bid_opens):%Y-%m-%d %H:%M}", 18),
        ExportColumn("投标截止", lambda t: f"{timezone.localtime(t.bid_closes):%Y-%m-%d %H:%M}", 18),
        ExportColumn("价格权重", "price_weight", 8), ExportColumn("质量权重", "quality_weight", 8),
        ExportColumn("有效投标数", "bid_count", 10), ExportColumn("状态", lambda t: str(t.get_status_display()), 10),
    ]
    return export_list(request, listing, columns=columns, title=_("Tenders"), action="tender.export", sheet="招标")


@login_required
def tender_create(request, application_pk):
    application = selectors.application_get_for_user(user=request.user, pk=application_pk)
    require(perms.can_manage_tender(request.user, Tender(application=application, region=application.program.region)))
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = TenderForm(request.POST or None, initial={"bid_opens": now, "bid_closes": now + datetime.timedelta(days=14),
                                                     "budget_amount": application.approved_amount})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        with service_errors(request, form) as outcome:
            tender = services.tender_open(actor=request.user, application=application, **data)
        if outcome.ok:
            messages.success(request, _("The tender is open for bids."))
            return redirect("projects:tender-detail", tender.pk)
    return render(request, "projects/tender_form.html", {"form": form, "application": application})


@login_required
def tender_detail(request, pk):
    tender = selectors_tenders.tender_get_for_user(user=request.user, pk=pk)
    rows = selectors_tenders.tender_detail_rows(tender)
    can_manage = perms.can_manage_tender(request.user, tender)
    closed = timezone.now() >= tender.bid_closes
    valid = [bid for bid in rows["bids"] if bid.status == BidStatus.VALID]
    for award in rows["awards"]:
        award.can_cancel = AWARD_WORKFLOW.can(award, "cancelled", request.user)
    return render(request, "projects/tender_detail.html", {
        "tender": tender, **rows, "can_manage": can_manage, "closed": closed, "L": labels(Tender),
        "active": tender.status == TenderStatus.ACTIVE,
        "qualify_form": QualifyForm(), "evaluate_form": EvaluateForm(), "close_form": TenderCloseForm(),
        "award_form": AwardForm(bids=valid) if valid else None, "note_form": NoteForm(),
    })


def _tender_action(request, pk):
    tender = selectors_tenders.tender_get_for_user(user=request.user, pk=pk)
    require(perms.can_manage_tender(request.user, tender))
    return tender


def _bid_of(request, tender, bid_pk) -> Bid:
    from governance.selectors import get_object_for_user_or_404

    return get_object_for_user_or_404(Bid.objects.filter(tender=tender).select_related("organization", "tender"),
                                      pk=bid_pk)


@login_required
@require_POST
def bid_qualify(request, pk, bid_pk):
    tender = _tender_action(request, pk)
    bid = _bid_of(request, tender, bid_pk)
    form = QualifyForm(request.POST)
    if form.is_valid():
        with service_errors(request) as outcome:
            services.bid_qualify(actor=request.user, bid=bid, valid=form.cleaned_data["decision"] == "valid",
                                 note=form.cleaned_data["note"])
        if outcome.ok:
            messages.success(request, _("Bid of %(org)s: %(status)s.") % {"org": bid.organization.name,
                                                                       "status": bid.get_status_display()})
    else:
        messages.error(request, _("Choose a decision."))
    return redirect("projects:tender-detail", tender.pk)


@login_required
@require_POST
def bid_evaluate(request, pk, bid_pk):
    tender = _tender_action(request, pk)
    bid = _bid_of(request, tender, bid_pk)
    form = EvaluateForm(request.POST)
    if form.is_valid():
        with service_errors(request) as outcome:
            evaluation = services.bid_evaluate(actor=request.user, bid=bid,
                                               quality_score=form.cleaned_data["quality_score"],
                                               price_score_value=form.cleaned_data["price_score"],
                                               note=form.cleaned_data["note"])
        if outcome.ok:
            messages.success(request, _("Bid of %(org)s scored %(score)s.") % {"org": bid.organization.name,
                                                                            "score": evaluation.total_score})
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("projects:tender-detail", tender.pk)


@login_required
@require_POST
def tender_award(request, pk):
    tender = _tender_action(request, pk)
    rows = selectors_tenders.tender_detail_rows(tender)
    form = AwardForm(request.POST, bids=[b for b in rows["bids"] if b.status == BidStatus.VALID])
    if form.is_valid():
        bid = _bid_of(request, tender, form.cleaned_data["bid"])
        with service_errors(request) as outcome:
            award = services.tender_award(actor=request.user, tender=tender, bid=bid, reason=form.cleaned_data["reason"])
        if outcome.ok:
            messages.success(request, _("Awarded to %(org)s; the standstill period ends on %(date)s.")
                             % {"org": award.organization.name, "date": award.standstill_ends.isoformat()})
    else:
        messages.error(request, _("Choose the winning bid and give the reason."))
    return redirect("projects:tender-detail", tender.pk)


@login_required
@require_POST
def tender_close(request, pk):
    tender = _tender_action(request, pk)
    form = TenderCloseForm(request.POST)
    if form.is_valid():
        with service_errors(request) as outcome:
            services.tender_close(actor=request.user, tender=tender, to=form.cleaned_data["to"],
                                  note=form.cleaned_data["note"])
        if outcome.ok:
            messages.success(request, _("Tender closed."))
    else:
        messages.error(request, _("Please give a reason."))
    return redirect("projects:tender-detail", tender.pk)


@login_required
@require_POST
def award_cancel(request, pk):
    award = selectors_tenders.award_get_for_user(user=request.user, pk=pk)
    require(perms.can_manage_award(request.user, award))
    form = NoteForm(request.POST)
    if form.is_valid():
        with service_errors(request) as outcome:
            services.award_cancel(actor=request.user, award=award, note=form.cleaned_data["note"])
        if outcome.ok:
            messages.success(request, _("Award cancelled; the tender is open for evaluation again."))
    else:
        messages.error(request, _("Please give a reason."))
    return redirect("projects:tender-detail", award.tender_id)


# --- bids and awards -------------------------------------------------------------------------


def serve_attachment(bid, attachment_pk):
    """Bid files are streamed only after the bid's access check (never as public media)."""
    return serve_file(bid.attachments, attachment_pk)


@login_required
@require_GET
def bid_attachment(request, pk, attachment_pk):
    return serve_attachment(selectors_tenders.bid_get_for_user(user=request.user, pk=pk), attachment_pk)


@login_required
@cached_page
def bid_list(request):
    require(perms.can_view_tenders(request.user))
    form, queryset, sorting = _listing(request, BidFilterForm, selectors_tenders.bid_list, BID_SORTS, "-submitted")
    return _render_list(request, "projects/tender_bid_list.html", form, queryset, sorting, Bid)


@login_required
@require_GET
def bid_export(request):
    from governance.imports.exporting import ExportColumn

    require(perms.can_view_tenders(request.user))
    listing = _listing(request, BidFilterForm, selectors_tenders.bid_list, BID_SORTS, "-submitted")
    columns = [
        ExportColumn("招标", lambda b: b.tender.title, 32), ExportColumn("投标机构", lambda b: b.organization.name, 28),
        ExportColumn("报价(元)", "price", 14), ExportColumn("团队人数", "team_size", 8),
        ExportColumn("持证社工", "team_social_workers", 8), ExportColumn("最高评分", "best_total", 10),
        ExportColumn("状态", lambda b: str(b.get_status_display()), 10), ExportColumn("原因", "status_reason", 30),
        ExportColumn("提交时间", lambda b: f"{timezone.localtime(b.submitted_at):%Y-%m-%d %H:%M}", 18),
    ]
    return export_list(request, listing, columns=columns, title=_("Bids"), action="bid.export", sheet="投标")


@login_required
def award_list(request):
    require(perms.can_view_tenders(request.user))
    form, queryset, sorting = _listing(request, AwardFilterForm, selectors_tenders.award_list, AWARD_SORTS, "-decided")
    return _render_list(request, "projects/tender_award_list.html", form, queryset, sorting, Award)


@login_required
@require_GET
def award_export(request):
    from governance.imports.exporting import ExportColumn

    require(perms.can_view_tenders(request.user))
    listing = _listing(request, AwardFilterForm, selectors_tenders.award_list, AWARD_SORTS, "-decided")
    columns = [
        ExportColumn("招标", lambda a: a.tender.title, 32), ExportColumn("中标机构", lambda a: a.organization.name, 28),
        ExportColumn("金额(元)", "amount", 14), ExportColumn("理由", "reason", 30),
        ExportColumn("公示期至", lambda a: a.standstill_ends.isoformat(), 12),
        ExportColumn("状态", lambda a: str(a.get_status_display()), 10),
    ]
    return export_list(request, listing, columns=columns, title=_("Awards"), action="award.export", sheet="中标")


@login_required
def risk_list(request):
    require(perms.can_view_tenders(request.user))
    flags = selectors_tenders.risk_flags(user=request.user)
    kind = request.GET.get("kind", "")
    kinds = sorted({(f.kind, f.label) for f in flags})
    if kind:
        flags = [f for f in flags if f.kind == kind]
    return render(request, "projects/tender_risk_list.html", {"flags": flags, "kinds": kinds, "kind": kind})


def _risk_subject(flag) -> str:
    if flag.tender is not None:
        return f"{flag.tender.ocid} {flag.tender.title}"
    return flag.expert_name or flag.organization_name


def _risk_detail(flag) -> str:
    lines = [str(flag.detail)]
    lines += [f"{r['number']} {r['title']}: {r['weighted_score']} / {r['final_score']} ({r['deviation']})"
              for r in flag.reviews]
    return "\n".join(lines)


@login_required
@require_GET
def risk_export(request):
    """The risk flags (filtered by kind as on the page) as an audited Excel download."""
    from governance.imports.exporting import ExportColumn, export_filename, export_response

    require(perms.can_view_tenders(request.user))
    kind = request.GET.get("kind", "")
    flags = [f for f in selectors_tenders.risk_flags(user=request.user) if not kind or f.kind == kind]
    columns = [ExportColumn("风险类型", lambda f: str(f.label), 18),
               ExportColumn("招标、机构或专家", _risk_subject, 40), ExportColumn("详情", _risk_detail, 80)]
    return export_response(actor=request.user, rows=flags, columns=columns, filename=export_filename(_("Risk flags")),
                           action="risk.export", filters={"kind": kind}, sheet_title="风险提示")
