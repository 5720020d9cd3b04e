"""Staff pages of service contracts (服务协议): list and export, drawing up from an award (term and tranches),
the contract page (indicators, tranches, renewals, history), signing, tranches, payments, closing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from governance.response_cache import cached_page
from governance.selectors import get_object_for_user_or_404
from governance.web import SortKey, service_errors, sort_queryset
from governance.workflows import labelled_history
from projects import permissions_tenders as perms
from projects import selectors_renewals, selectors_tenders
from projects.forms_tenders import (
    ContractFilterForm,
    ContractForm,
    DateForm,
    NoteForm,
    TrancheFormSet,
    tranche_rows,
)
from projects.models import Contract, ContractStatus
from projects.services import contracts as services
from projects.services import reports as report_services
from projects.views.helpers import labels, require
from projects.views.tenders import _render_list, export_list

CONTRACT_SORTS = {
    "number": SortKey(gettext_lazy("Contract number"), "number"),
    "start": SortKey(gettext_lazy("Start"), "start_date"),
    "end": SortKey(gettext_lazy("End"), "end_date"),
    "amount": SortKey(gettext_lazy("Amount"), "amount"),
    "organization": SortKey(gettext_lazy("Supplier"), "organization__name_pinyin", "organization__name"),
    "status": SortKey(gettext_lazy("Status"), "status"),
}


def _contracts(request, selector=selectors_tenders.contract_list):
    form = ContractFilterForm(request.GET or None)
    queryset = selector(user=request.user, filters=form.filters())
    queryset, sorting = sort_queryset(request, queryset, allowed=CONTRACT_SORTS, default="-start")
    return form, queryset, sorting


@login_required
@cached_page
def contract_list(request):
    require(perms.can_view_tenders(request.user))
    form, queryset, sorting = _contracts(request)
    return _render_list(request, "projects/contract_list.html", form, queryset, sorting, Contract)


@login_required
@require_GET
def contract_export(request):
    from governance.imports.exporting import ExportColumn

    require(perms.can_view_tenders(request.user))
    columns = [
        ExportColumn("合同编号", "number", 16), ExportColumn("名称", "title", 32), ExportColumn("采购方", "buyer_name", 20),
        ExportColumn("服务机构", lambda c: c.organization.name, 28), ExportColumn("金额(元)", "amount", 14),
        ExportColumn("开始", lambda c: c.start_date.isoformat(), 12), ExportColumn("结束", lambda c: c.end_date.isoformat(), 12),
        ExportColumn("连续性服务", lambda c: "是" if c.continuous_service else "否", 8),
        ExportColumn("续签自", lambda c: c.prior_contract_id or "", 8),
        ExportColumn("签订日期", lambda c: c.signed_on.isoformat() if c.signed_on else "", 12),
        ExportColumn("状态", lambda c: str(c.get_status_display()), 10),
    ]
    return export_list(request, _contracts(request), columns=columns, title=_("Service contracts"),
                       action="contract.export", sheet="服务协议")


@login_required
def contract_create(request, award_pk):
    award = selectors_tenders.award_get_for_user(user=request.user, pk=award_pk)
    require(perms.can_manage_award(request.user, award))
    priors = list(selectors_tenders.contract_list(user=request.user).filter(
        organization_id=award.organization_id, status__in=[ContractStatus.ACTIVE, ContractStatus.TERMINATED]))
    today = timezone.localdate()
    form = ContractForm(request.POST or None, prior_choices=priors, initial={
        "start_date": max(today, award.standstill_ends), "title": award.tender.title})
    formset = TrancheFormSet(request.POST or None, prefix="tranches", initial=[
        {"percentage": 30, "trigger": "signing", "description": _("Advance on signing")},
        {"percentage": 40, "trigger": "midterm_acceptance", "depends_on": 1,
         "description": _("After the mid-term evaluation is accepted")},
        {"percentage": 30, "trigger": "final_acceptance", "depends_on": 2,
         "description": _("After the final acceptance")}])
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        if data.get("prior_contract"):
            data["prior_contract"] = get_object_for_user_or_404(
                selectors_tenders.contract_list(user=request.user), pk=data["prior_contract"])
        with service_errors(request, form) as outcome:
            contract = services.contract_create(actor=request.user, award=award, tranches=tranche_rows(formset),
                                                **data)
        if outcome.ok:
            messages.success(request, _("Contract drawn up; sign it once both parties have signed."))
            return redirect("projects:contract-detail", contract.pk)
    return render(request, "projects/contract_form.html", {"form": form, "formset": formset, "award": award})


def _detail_context(request, contract):
    return {"contract": contract, **selectors_tenders.contract_detail_rows(contract), "L": labels(Contract),
            "history": labelled_history(contract)}


@login_required
def contract_detail(request, pk):
    contract = selectors_tenders.contract_get_for_user(user=request.user, pk=pk)
    context = _detail_context(request, contract)
    can_manage = perms.can_manage_contract(request.user, contract)
    formset = None
    if can_manage and contract.status == ContractStatus.PENDING:
        formset = TrancheFormSet(prefix="tranches", initial=[
            {"percentage": t.percentage, "due_date": t.due_date, "trigger": t.trigger,
             "depends_on": t.depends_on.sequence if t.depends_on_id else None, "description": t.description}
            for t in context["tranches"]])
    return render(request, "projects/contract_detail.html", {
        **context, "can_manage": can_manage, "date_form": DateForm(initial={"date": timezone.localdate()}),
        "note_form": NoteForm(), "formset": formset,
        "renewal_review": selectors_renewals.renewal_for_contract(user=request.user, contract=contract)})


def _contract_action(request, pk) -> Contract:
    contract = selectors_tenders.contract_get_for_user(user=request.user, pk=pk)
    require(perms.can_manage_contract(request.user, contract))
    return contract


@login_required
@require_POST
def contract_sign(request, pk):
    contract = _contract_action(request, pk)
    form = DateForm(request.POST)
    if form.is_valid():
        with service_errors(request) as outcome:
            services.contract_sign(actor=request.user, contract=contract, signed_on=form.cleaned_data["date"])
        if outcome.ok:
            messages.success(request, _("Contract signed."))
    else:
        messages.error(request, _("Enter the signing date."))
    return redirect("projects:contract-detail", contract.pk)


@login_required
@require_POST
def contract_tranches(request, pk):
    contract = _contract_action(request, pk)
    formset = TrancheFormSet(request.POST, prefix="tranches")
    if formset.is_valid():
        with service_errors(request) as outcome:
            services.contract_set_tranches(actor=request.user, contract=contract, tranches=tranche_rows(formset))
        if outcome.ok:
            messages.success(request, _("Payment tranches saved."))
    else:
        messages.error(request, _("Check the tranches."))
    return redirect("projects:contract-detail", contract.pk)


@login_required
@require_POST
def tranche_pay(request, pk, tranche_pk):
    contract = _contract_action(request, pk)
    tranche = get_object_for_user_or_404(contract.tranches.select_related("contract", "depends_on"), pk=tranche_pk)
    form = DateForm(request.POST)
    if form.is_valid():
        with service_errors(request) as outcome:
            # Through the release gate: a tranche tied to a report or acceptance is paid only once it is approved.
            report_services.tranche_release(actor=request.user, tranche=tranche, paid_on=form.cleaned_data["date"])
        if outcome.ok:
            messages.success(request, _("Payment of tranche %(n)s recorded.") % {"n": tranche.sequence})
    else:
        messages.error(request, _("Enter the payment date."))
    return redirect("projects:contract-detail", contract.pk)


@login_required
@require_POST
def contract_close(request, pk):
    contract = _contract_action(request, pk)
    to = request.POST.get("to", "")
    with service_errors(request) as outcome:
        services.contract_close(actor=request.user, contract=contract, to=to, note=request.POST.get("note", ""))
    if outcome.ok:
        messages.success(request, _("Contract: %(status)s.") % {"status": contract.get_status_display()})
    return redirect("projects:contract-detail", contract.pk)
