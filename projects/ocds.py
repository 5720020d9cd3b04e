"""A service contract as an OCDS 1.1 release package and record package (开放合同数据标准导出).

One contract is one contracting process: its ``ocid`` is ``{OCDS_OCID_PREFIX}-{tenant slug}-{contract id}``
(the prefix is per deployment, ``settings.OCDS_OCID_PREFIX``). The single release carries planning (budget
with its breakdown from the application's budget lines), the tender with its tenderers, the award, and the
contract with its payment tranches as milestones, paid tranches as implementation transactions and the
indicators as metrics (targets as ``agreedMetrics``; approved actuals of progress reports, where the reports
model is installed, as ``implementation.metrics``).
Budget breakdown, bids and metrics are OCDS extensions, declared in the package's ``extensions``.

The output is deterministic: the release date is the latest date in the data and the release id hashes the
content, so the same data always exports the same JSON (stable ids). Reads are set-based: a constant number
of queries per contract whatever the number of tranches, bids, indicators or budget lines.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q

from governance.audit import audit_record
from governance.selectors import get_object_for_user_or_404
from projects import selectors_tenders
from projects.audit_tenders import TendersAudit
from projects.models import (
    Bid,
    BidStatus,
    BudgetLine,
    Contract,
    ContractIndicator,
    PaymentTranche,
    TranchePayment,
    TrancheStatus,
)

OCDS_VERSION = "1.1"
CURRENCY = "CNY"
DEFAULT_OCID_PREFIX = "ocds-cgp000"
USCC_SCHEME = "CN-USCC"  # 统一社会信用代码 (org-id.guide)
DIVISION_SCHEME = "X-CN-GB2260"  # 行政区划代码 of the buyer's office (no org-id.guide list: an "X-" scheme)
EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_budget_breakdown_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metric_extension/master/extension.json",
]
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
TENDERER_STATUSES = (BidStatus.PENDING, BidStatus.VALID, BidStatus.DISQUALIFIED)


def ocid_prefix() -> str:
    return getattr(settings, "OCDS_OCID_PREFIX", "") or DEFAULT_OCID_PREFIX


def contract_ocid(contract: Contract) -> str:
    return f"{ocid_prefix()}-{contract.tenant.slug}-{contract.pk}"


def contract_for_ocds(*, user, pk) -> Contract:
    """Staff within the buyer's or applying unit's subtree, or a member of the supplier organization; 404 else."""
    staff = selectors_tenders.contract_list(user=user).values("pk")
    own = selectors_tenders.my_contracts(user=user).values("pk")
    queryset = Contract.objects.filter(Q(pk__in=staff) | Q(pk__in=own)).select_related(
        "tenant", "region", "organization", "application__region", "application__program",
        "award__tender", "award__bid__organization")
    return get_object_for_user_or_404(queryset, pk=pk)


# --- value helpers ----------------------------------------------------------------------------------


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _dt(value: date | datetime | None) -> str | None:
    """ISO 8601 with the offset: dates are midnight in the deployment's time zone."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min, tzinfo=_tz())
    return value.astimezone(_tz()).isoformat()


def _money(amount: Decimal) -> dict:
    return {"amount": float(amount), "currency": CURRENCY}


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def _organization_party_id(organization, tenant_slug: str) -> str:
    if organization.uscc:
        return f"{USCC_SCHEME}-{organization.uscc}"
    return f"{ocid_prefix()}-{tenant_slug}-org-{organization.pk}"


def _organization_party(organization, tenant_slug: str, roles: list[str]) -> dict:
    party = {"id": _organization_party_id(organization, tenant_slug), "name": organization.name, "roles": roles}
    if organization.uscc:
        party["identifier"] = {"scheme": USCC_SCHEME, "id": organization.uscc, "legalName": organization.name}
    if organization.address:
        party["address"] = {"streetAddress": organization.address, "countryName": "中国"}
    contact = {k: v for k, v in (("name", organization.contact_person), ("telephone", organization.contact_phone),
                                 ("email", organization.email)) if v}
    if contact:
        party["contactPoint"] = contact
    return party


def _ref(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


# --- the release ------------------------------------------------------------------------------------


def _tender_without_award(contract: Contract):
    """A renewal (drawn up without an award) continues the process of the contract it renews."""
    prior = contract.prior_contract
    if prior is not None and prior.award_id:
        return prior.award.tender
    return contract.application.tenders.order_by("round").first()


def _rows(contract: Contract) -> dict:
    """Every child row of the contract in one query per table (none per row)."""
    tender = contract.award.tender if contract.award_id else _tender_without_award(contract)
    bids = (list(Bid.objects.filter(tender=tender, status__in=TENDERER_STATUSES).select_related("organization")
                 .order_by("submitted_at", "id")) if tender is not None else [])
    return {
        "tender": tender,
        "bids": bids,
        "budget_lines": list(BudgetLine.objects.filter(application_id=contract.application_id).order_by("id")),
        "indicators": list(ContractIndicator.objects.filter(contract=contract).order_by("position", "id")),
        "tranches": list(PaymentTranche.objects.filter(contract=contract).order_by("sequence")),
        "payments": {p.tranche_id: p for p in TranchePayment.objects.filter(contract=contract)
                     .select_related("payee")},
        "actuals": _approved_actuals(contract),
    }


def _approved_actuals(contract: Contract) -> list:
    """Approved indicator actuals of the contract's progress reports, once the reports model is installed;
    only approved figures count anywhere (issue 10, item 1)."""
    try:
        actual_model = apps.get_model("projects", "IndicatorActual")
    except LookupError:
        return []
    return list(actual_model.objects.filter(indicator__contract=contract, report__status="approved")
                .select_related("report").order_by("report__period_start", "report_id", "indicator_id"))


def _actual_measure(actual) -> float | int | None:
    if actual.value is not None:
        return _number(actual.value)
    if actual.numerator is not None and actual.denominator:
        return _number((actual.numerator * 100 / actual.denominator).quantize(Decimal("0.01")))
    return None


def _metrics(indicators: list, actuals: list) -> list[dict]:
    """OCDS metrics extension: one metric per indicator with approved actuals, one observation per report."""
    by_indicator: dict[int, list] = {}
    for actual in actuals:
        by_indicator.setdefault(actual.indicator_id, []).append(actual)
    metrics = []
    for indicator in indicators:
        observations = [
            {"id": f"indicator-{indicator.pk}-report-{a.report_id}", "measure": _actual_measure(a),
             "unit": {"name": indicator.unit}, "notes": a.narrative,
             "period": {"startDate": _dt(a.report.period_start), "endDate": _dt(a.report.period_end)}}
            for a in by_indicator.get(indicator.pk, []) if _actual_measure(a) is not None]
        if observations:
            metrics.append({"id": f"indicator-{indicator.pk}", "title": indicator.name,
                            "description": indicator.get_kind_display(), "observations": observations})
    return metrics


def _transaction(ocid: str, tranche, payment, *, amount: Decimal, buyer: dict, supplier: dict, supplier_id: int,
                 parties: dict, slug: str) -> dict:
    """A paid tranche as an OCDS transaction: from its payment record (``TranchePayment``: date, amount, payer,
    payee) where it has one; a tranche settled before payment records existed falls back to the contract's
    parties and the tranche's share of the amount."""
    if payment is None:
        return {"id": f"{ocid}-payment-{tranche.sequence}", "source": ocid, "date": _dt(tranche.paid_on),
                "value": _money(amount), "payer": _ref(buyer), "payee": _ref(supplier)}
    payer = buyer
    if payment.payer_name != buyer["name"]:  # paid by another office (e.g. the district's finance bureau)
        payer_id = f"{ocid_prefix()}-{slug}-payer-{hashlib.sha256(payment.payer_name.encode()).hexdigest()[:8]}"
        payer = parties.setdefault(payer_id, {"id": payer_id, "name": payment.payer_name, "roles": ["payer"]})
    payee = supplier
    if payment.payee_id != supplier_id:
        payee_id = _organization_party_id(payment.payee, slug)
        payee = parties.get(payee_id) or parties.setdefault(
            payee_id, _organization_party(payment.payee, slug, ["payee"]))
        if "payee" not in payee["roles"]:
            payee["roles"].append("payee")
    return {"id": f"{ocid}-payment-{tranche.sequence}", "source": ocid, "date": _dt(payment.date),
            "value": {"amount": float(payment.amount), "currency": payment.currency},
            "payer": _ref(payer), "payee": {"id": payee["id"], "name": payment.payee_name}}


def _release_body(contract: Contract, rows: dict) -> tuple[dict, list]:
    ocid = contract_ocid(contract)
    slug = contract.tenant.slug
    tender, bids, tranches = rows["tender"], rows["bids"], rows["tranches"]
    buyer = {"id": f"{DIVISION_SCHEME}-{contract.region.code}", "name": contract.buyer_name or contract.region.name,
             "identifier": {"scheme": DIVISION_SCHEME, "id": contract.region.code,
                            "legalName": contract.buyer_name or contract.region.name},
             "roles": ["buyer", "procuringEntity", "payer"]}
    parties = {buyer["id"]: buyer}
    supplier = _organization_party(contract.organization, slug, ["supplier", "payee"])
    parties[supplier["id"]] = supplier
    for bid in bids:
        party_id = _organization_party_id(bid.organization, slug)
        if party_id in parties:
            parties[party_id]["roles"].append("tenderer")
        else:
            parties[party_id] = _organization_party(bid.organization, slug, ["tenderer"])
    dates = [contract.created_at, contract.start_date]

    application = contract.application
    planning = {"budget": {
        "id": f"{ocid}-budget", "description": application.program.name if application.program_id else "",
        "amount": _money(application.approved_amount or application.requested_amount or contract.amount),
        "project": application.title, "projectID": application.number,
        "budgetBreakdown": [{"id": str(line.pk), "description": f"{line.get_category_display()}: {line.rationale}",
                             "amount": _money(line.amount)} for line in rows["budget_lines"]]}}

    release: dict = {"ocid": ocid, "language": "zh", "initiationType": "tender", "planning": planning}
    if tender is not None:
        tenderers = [_ref(parties[_organization_party_id(b.organization, slug)]) for b in bids]
        release["tender"] = {
            "id": tender.ocid, "title": tender.title, "description": tender.description, "status": tender.status,
            "value": _money(tender.budget_amount), "procurementMethod": "open",
            "procuringEntity": _ref(buyer), "tenderPeriod": {"startDate": _dt(tender.bid_opens),
                                                             "endDate": _dt(tender.bid_closes)},
            "numberOfTenderers": len(bids), "tenderers": tenderers}
        release["bids"] = {"details": [
            {"id": str(b.pk), "date": _dt(b.submitted_at), "status": b.status, "value": _money(b.price),
             "tenderers": [_ref(parties[_organization_party_id(b.organization, slug)])]} for b in bids]}
        dates += [tender.created_at, *[b.submitted_at for b in bids]]

    if contract.award_id:
        award = contract.award
        award_json = {"id": f"{ocid}-award-{award.pk}", "title": tender.title if tender else contract.title,
                      "status": award.status, "date": _dt(award.decided_at), "value": _money(award.amount),
                      "suppliers": [_ref(supplier)], "description": award.reason}
        dates.append(award.decided_at)
    else:  # a contract drawn up without a tender (e.g. a renewal): the award is the contract decision itself
        award_json = {"id": f"{ocid}-award-direct", "title": contract.title, "status": "active",
                      "date": _dt(contract.signed_on or contract.created_at), "value": _money(contract.amount),
                      "suppliers": [_ref(supplier)]}

    milestones, transactions = [], []
    payments = rows["payments"]
    for t in tranches:
        amount = (contract.amount * t.percentage / Decimal(100)).quantize(Decimal("0.01"))
        milestone = {"id": f"tranche-{t.sequence}", "type": "payment", "code": t.trigger or "date",
                     "title": t.description or f"{_number(t.percentage)}%", "status": t.status,
                     "description": f"{_number(t.percentage)}% · {amount} {CURRENCY}"}
        if t.due_date:
            milestone["dueDate"] = _dt(t.due_date)
        if t.status == TrancheStatus.MET:
            milestone["dateMet"] = _dt(t.paid_on)
            transaction_json = _transaction(ocid, t, payments.get(t.pk), amount=amount, buyer=buyer,
                                            supplier=supplier, supplier_id=contract.organization_id,
                                            parties=parties, slug=slug)
            transaction_json["relatedImplementationMilestone"] = {"id": milestone["id"], "title": milestone["title"]}
            transactions.append(transaction_json)
            dates.append(t.paid_on)
        milestones.append(milestone)
    agreed = [{"id": f"indicator-{i.pk}", "title": i.name, "description": i.get_kind_display(),
               "observations": [{"id": f"indicator-{i.pk}-target", "measure": _number(i.target),
                                 "unit": {"name": i.unit},
                                 "period": {"startDate": _dt(contract.start_date), "endDate": _dt(contract.end_date)},
                                 "notes": f"baseline {_number(i.baseline)}; weight {_number(i.weight)}%; "
                                          f"{i.direction}; {i.aggregation}"}]}
              for i in rows["indicators"]]
    contract_json = {
        "id": f"{ocid}-contract-{contract.pk}", "awardID": award_json["id"], "title": contract.title,
        "status": contract.status, "value": _money(contract.amount),
        "period": {"startDate": _dt(contract.start_date), "endDate": _dt(contract.end_date)},
        "dateSigned": _dt(contract.signed_on), "milestones": milestones, "agreedMetrics": agreed,
        "implementation": {"transactions": transactions,
                           "metrics": _metrics(rows["indicators"], rows["actuals"])}}
    if contract.signed_on:
        dates.append(contract.signed_on)
    release["awards"] = [award_json]
    release["contracts"] = [contract_json]
    release["buyer"] = _ref(buyer)
    release["parties"] = list(parties.values())
    tags = ["planning", "award", "contract"] + (["tender"] if tender is not None else [])
    if transactions:
        tags.append("implementation")
    release["tag"] = tags
    return release, dates


def _latest(dates: list) -> str:
    return max(_dt(d) for d in dates if d is not None and not isinstance(d, str))


def _release(contract: Contract) -> dict:
    body, dates = _release_body(contract, _rows(contract))
    body["date"] = _latest(dates)
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    return {"id": f"{body['ocid']}-{digest}", **body}


def _package_head(contract: Contract, uri: str, release: dict) -> dict:
    return {"uri": uri, "version": OCDS_VERSION, "extensions": EXTENSIONS, "publishedDate": release["date"],
            "publisher": {"name": contract.tenant.name}, "license": LICENSE}


def contract_release_package(contract: Contract, *, uri: str) -> dict:
    release = _release(contract)
    return {**_package_head(contract, uri, release), "releases": [release]}


def contract_record_package(contract: Contract, *, uri: str) -> dict:
    release = _release(contract)
    return {**_package_head(contract, uri, release),
            "records": [{"ocid": release["ocid"], "releases": [release], "compiledRelease": release}]}


KINDS = {"release": contract_release_package, "record": contract_record_package}


@transaction.atomic
def contract_ocds_export(*, actor, contract: Contract, kind: str, uri: str) -> dict:
    """The package of ``kind`` ("release" or "record"), with an audit event of the download."""
    package = KINDS[kind](contract, uri=uri)
    audit_record(actor=actor, action=TendersAudit.CONTRACT_OCDS_EXPORT, obj=contract,
                 changes={"kind": kind, "ocid": contract_ocid(contract)})
    return package

