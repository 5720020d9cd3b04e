"""Renewal reviews (续约评审): the daily scan, the recommendation, its recomputation and the staff decision.

``renewals_scan`` (Celery beat, daily per tenant) gives every signed or completed contract that ends within
the tenant's window (``RenewalSettings.window_days``, 60 by default) and has no renewal yet one
``RenewalReview`` (unique per contract), and recomputes the recommendation of every pending review. The
recommendation, with its reasons:

- the final evaluation's band (the published one first, else the latest computed): 优秀 / 良好 → renew,
  合格 → renew with conditions, 不合格 or no final evaluation → re-tender;
- a renewal of the same length, starting the day after the contract ends, that would take the renewal
  chain past three years from its first contract's start (MoF Order 102) → re-tender;
- the organization on a credit list, or no longer active (suspended, deregistered, revoked) → re-tender.

Everything is read set-based (a constant number of queries per chunk, plus one per link of the longest
renewal chain); a rerun creates nothing twice (the unique constraint backs the check) and writes only
recommendations that changed. orgs' ``credit_listed`` and ``organization_status_changed`` signals recompute
the pending reviews of that organization (``projects.receivers_renewals``).

Staff decide through ``RENEWAL_WORKFLOW`` (``renewal_decide``): renew (``contract_renew`` draws up the next
contract, linked to the prior one, with its indicators and payment tranches copied and the term shifted),
renew with conditions (the conditions are required and written into the new contract), re-tender
(``tenders.tender_reopen``: bidding reopens on the same task book) or not continued (with a reason).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, audit_record_many
from governance.exceptions import ApplicationError, ConflictError
from governance.tenancy import actor_or_none, require_tenant
from governance.workflows import lock_row, lock_rows
from projects import notifications_renewals as notifications
from projects import notifications_tenders
from projects.models import (
    Contract,
    ContractIndicator,
    ContractStatus,
    Evaluation,
    EvaluationBand,
    EvaluationKind,
    EvaluationStatus,
    PaymentTranche,
)
from projects.models.renewals import Recommendation, RenewalReview, RenewalSettings, RenewalStatus
from projects.permissions_renewals import can_decide_renewal
from projects.permissions_tenders import can_manage_contract
from projects.services.contracts import (
    INDICATOR_COPY,
    MAX_CHAIN_LENGTH,
    check_term,
    check_term_cap,
    next_term,
    renewal_chain,
    term_cap_last_day,
)
from projects.services.tenders import tender_reopen
from projects.workflows_renewals import RENEWAL_WORKFLOW
from projects.workflows_tenders import CONTRACT_WORKFLOW

CHUNK = 2000
BATCH = 1000  # rows per INSERT/UPDATE statement
SCANNED_STATUSES = (ContractStatus.ACTIVE, ContractStatus.TERMINATED)
ACTIVE_ORGANIZATION = "active"  # orgs.models.OrgStatus.ACTIVE
BAND_RECOMMENDATION = {
    EvaluationBand.EXCELLENT: Recommendation.RENEW,
    EvaluationBand.GOOD: Recommendation.RENEW,
    EvaluationBand.PASS: Recommendation.RENEW_WITH_CONDITIONS,
    EvaluationBand.FAIL: Recommendation.RETENDER,
}
DECISIONS = (RenewalStatus.RENEWED, RenewalStatus.RENEWED_WITH_CONDITIONS, RenewalStatus.RETENDERED,
             RenewalStatus.NOT_CONTINUED)
RENEWING = (RenewalStatus.RENEWED, RenewalStatus.RENEWED_WITH_CONDITIONS)
TRANCHE_COPY = ("sequence", "percentage", "trigger", "description")
# What the recommendation and the audit read of a contract (a scan loads thousands: no other column).
CONTRACT_FIELDS = ("id", "tenant_id", "number", "start_date", "end_date", "prior_contract_id", "organization_id",
                   "organization__status", "organization__on_abnormal_list", "organization__on_serious_list",
                   "region_id", "region__path")
REVIEW_FIELDS = ("id", "tenant_id", "contract_id", "status", "recommendation", "reasons", "evaluation_id",
                 "computed_at", *(f"contract__{name}" for name in CONTRACT_FIELDS))


def renewal_settings_for(tenant) -> RenewalSettings:
    """The tenant's settings row, or the defaults (unsaved) when it has none."""
    return RenewalSettings.objects.filter(tenant=tenant).first() or RenewalSettings(tenant=tenant)


# --- the recommendation ---------------------------------------------------------------------


def chain_starts(contracts: Iterable[Contract]) -> dict[int, tuple[datetime.date, str]]:
    """Per contract id: the start date and number of the first contract of its renewal chain.

    Set-based: one query per link of the longest chain (a chain is a handful of yearly contracts), never
    one per contract. A cycle (possible only through the admin) stops at ``MAX_CHAIN_LENGTH``.
    """
    first: dict[int, tuple[datetime.date, str]] = {}
    tip: dict[int, int | None] = {}  # contract id → the prior contract still to read
    for contract in contracts:
        first[contract.pk] = (contract.start_date, contract.number)
        tip[contract.pk] = contract.prior_contract_id
    for _step in range(MAX_CHAIN_LENGTH):
        wanted = {pk for pk in tip.values() if pk is not None}
        if not wanted:
            break
        priors = {row["pk"]: row for row in Contract.objects.filter(pk__in=wanted)
                  .values("pk", "start_date", "number", "prior_contract_id")}
        for contract_id, prior_id in tip.items():
            row = priors.get(prior_id) if prior_id is not None else None
            if row is None:
                tip[contract_id] = None
                continue
            if row["start_date"] <= first[contract_id][0]:
                first[contract_id] = (row["start_date"], row["number"])
            tip[contract_id] = row["prior_contract_id"]
    return first


def final_evaluations(contract_ids: Iterable[int]) -> dict[int, Evaluation]:
    """Per contract id: its final evaluation, the published one first, else the latest (one query)."""
    best: dict[int, Evaluation] = {}
    rows = (Evaluation.objects.filter(contract_id__in=list(contract_ids), kind=EvaluationKind.FINAL)
            .only("pk", "contract_id", "status", "score", "band", "period"))
    for evaluation in rows:
        current = best.get(evaluation.contract_id)
        key = (evaluation.status == EvaluationStatus.PUBLISHED, evaluation.period, evaluation.pk)
        if current is None or key > (current.status == EvaluationStatus.PUBLISHED, current.period, current.pk):
            best[evaluation.contract_id] = evaluation
    return best


def recommend(*, contract: Contract, evaluation: Evaluation | None, chain_start: datetime.date,
              chain_first: str, terms: dict | None = None) -> tuple[str, list[dict]]:
    """The recommendation for ``contract`` (its ``organization`` loaded) and the reasons, every check recorded
    (``ok`` false for a check that forces a re-tender). Pure: no query. ``terms``, a dict the caller keeps
    across contracts, remembers the renewal term and the cap of each distinct (start, end, chain start)."""
    reasons: list[dict] = []
    if evaluation is None:
        reasons.append({"code": "no_final_evaluation", "ok": False})
        by_band = Recommendation.RETENDER
    else:
        by_band = BAND_RECOMMENDATION[evaluation.band]
        reasons.append({"code": "band", "ok": by_band != Recommendation.RETENDER, "band": evaluation.band,
                        "score": f"{evaluation.score:.2f}", "evaluation": evaluation.pk,
                        "published": evaluation.status == EvaluationStatus.PUBLISHED})
    term_key = (contract.start_date, contract.end_date, chain_start)
    term = terms.get(term_key) if terms is not None else None
    if term is None:
        start, end = next_term(contract)
        latest = term_cap_last_day(min(chain_start, start))
        term = {"ok": end <= latest, "chain_start": chain_start.isoformat(), "renewal_start": start.isoformat(),
                "renewal_end": end.isoformat(), "latest_end": latest.isoformat()}
        if terms is not None:
            terms[term_key] = term
    reasons.append({"code": "term_cap", "ok": term["ok"], "chain_start": term["chain_start"], "first": chain_first,
                    "renewal_start": term["renewal_start"], "renewal_end": term["renewal_end"],
                    "latest_end": term["latest_end"]})
    organization = contract.organization
    lists = [name for name, listed in (("abnormal", organization.on_abnormal_list),
                                       ("serious", organization.on_serious_list)) if listed]
    reasons.append({"code": "credit", "ok": not lists, "lists": lists})
    reasons.append({"code": "organization_status", "ok": organization.status == ACTIVE_ORGANIZATION,
                    "status": organization.status})
    blocked = any(not r["ok"] for r in reasons if r["code"] != "band")
    return (Recommendation.RETENDER if blocked else by_band), reasons


def reason_texts(reasons: list[dict]) -> list[dict]:
    """``[{"ok": bool, "text": translated sentence}]`` for the pages and the API."""
    from orgs.models import OrgStatus

    bands, statuses = dict(EvaluationBand.choices), dict(OrgStatus.choices)
    list_names = {"abnormal": _("the abnormal activities list"), "serious": _("the serious dishonesty list")}
    texts = []
    for reason in reasons:
        code = reason.get("code")
        if code == "no_final_evaluation":
            text = _("No final evaluation yet: without one the contract is re-tendered.")
        elif code == "band":
            text = _("Final evaluation: %(score)s points, %(band)s%(draft)s.") % {
                "score": reason["score"], "band": bands.get(reason["band"], reason["band"]),
                "draft": "" if reason.get("published") else _(" (not yet published)")}
        elif code == "term_cap" and reason["ok"]:
            text = _("A renewal from %(start)s to %(end)s keeps the service begun on %(chain)s (contract "
                     "%(first)s) within three years (until %(latest)s).") % {
                "start": reason["renewal_start"], "end": reason["renewal_end"], "chain": reason["chain_start"],
                "first": reason["first"], "latest": reason["latest_end"]}
        elif code == "term_cap":
            text = _("A renewal until %(end)s would extend the service begun on %(chain)s (contract %(first)s) "
                     "beyond three years (MoF Order 102: at most until %(latest)s).") % {
                "end": reason["renewal_end"], "chain": reason["chain_start"], "first": reason["first"],
                "latest": reason["latest_end"]}
        elif code == "credit" and reason["ok"]:
            text = _("The organization is on no credit list.")
        elif code == "credit":
            text = _("The organization is on %(lists)s.") % {
                "lists": _(" and ").join(str(list_names.get(name, name)) for name in reason["lists"])}
        elif code == "organization_status" and reason["ok"]:
            text = _("The organization is active.")
        elif code == "organization_status":
            text = _("The organization's status is “%(status)s”.") % {
                "status": statuses.get(reason["status"], reason["status"])}
        else:
            text = str(code)
        texts.append({"ok": bool(reason.get("ok")), "text": text})
    return texts


def _computed(contracts: list[Contract]) -> dict[int, tuple[str, list[dict], int | None]]:
    starts = chain_starts(contracts)
    evaluations = final_evaluations([c.pk for c in contracts])
    out, terms = {}, {}
    for contract in contracts:
        evaluation = evaluations.get(contract.pk)
        chain_start, first = starts[contract.pk]
        recommendation, reasons = recommend(contract=contract, evaluation=evaluation, chain_start=chain_start,
                                            chain_first=first, terms=terms)
        out[contract.pk] = (recommendation, reasons, evaluation.pk if evaluation else None)
    return out


# --- the scan and the recomputation ---------------------------------------------------------


def _repr():
    """``str(review)`` of the audit events, the status labels translated once per chunk instead of per row."""
    labels = {value: str(label) for value, label in RenewalStatus.choices}
    return lambda review: f"{review.contract.number} · {labels.get(review.status, review.status)}"


def _candidates(*, tenant, today: datetime.date, window_days: int):
    return (Contract.objects.filter(tenant=tenant, status__in=SCANNED_STATUSES, end_date__gte=today,
                                    end_date__lte=today + datetime.timedelta(days=window_days),
                                    renewal_review__isnull=True, renewals__isnull=True)
            .order_by("pk").values_list("pk", flat=True))


def _create_chunk(*, tenant, ids: list[int], now) -> int:
    # The contracts are locked (FOR NO KEY UPDATE: the reviews' foreign keys can still be checked), so an
    # overlapping run waits here and then finds the reviews this one wrote.
    contracts = lock_rows(Contract.objects.filter(tenant=tenant, pk__in=ids).select_related("organization", "region")
                          .only(*CONTRACT_FIELDS), no_key=True)
    done = set(RenewalReview.objects.filter(contract_id__in=ids).values_list("contract_id", flat=True))
    contracts = [c for c in contracts if c.pk not in done]
    computed = _computed(contracts)
    reviews = []
    for contract in contracts:
        recommendation, reasons, evaluation_id = computed[contract.pk]
        reviews.append(RenewalReview(tenant_id=tenant.pk, contract=contract, recommendation=recommendation,
                                     reasons=reasons, evaluation_id=evaluation_id, computed_at=now))
    RenewalReview.objects.bulk_create(reviews, batch_size=BATCH)
    audit_record_many(actor=None, action="renewal.create", objs=reviews, batch_size=BATCH, object_repr=_repr(),
                      changes=lambda r: {"contract": r.contract_id, "recommendation": r.recommendation})
    return len(reviews)


def _pending_ids(*, tenant, organization_ids: Iterable[int] | None = None) -> list[int]:
    pending = RenewalReview.objects.filter(tenant=tenant, status=RenewalStatus.PENDING)
    if organization_ids is not None:
        pending = pending.filter(contract__organization_id__in=list(organization_ids))
    return list(pending.order_by("pk").values_list("pk", flat=True))


def renewals_refresh(*, tenant, organization_ids: Iterable[int] | None = None, review_ids: list[int] | None = None,
                     now=None) -> dict:
    """Recompute the pending reviews of ``tenant`` (only those of ``organization_ids``, or ``review_ids``, when
    given) and write the ones whose recommendation, reasons or evaluation changed (audited with before and
    after)."""
    require_tenant(tenant)
    now = now or timezone.now()
    ids = review_ids if review_ids is not None else _pending_ids(tenant=tenant, organization_ids=organization_ids)
    totals = {"updated": 0, "unchanged": 0}
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            reviews = lock_rows(RenewalReview.objects.filter(pk__in=ids[start:start + CHUNK],
                                                             status=RenewalStatus.PENDING)
                                .select_related("contract__organization", "contract__region").only(*REVIEW_FIELDS))
            computed = _computed([r.contract for r in reviews])
            changed, before = [], {}
            for review in reviews:
                recommendation, reasons, evaluation_id = computed[review.contract_id]
                if (review.recommendation, review.reasons, review.evaluation_id) == (recommendation, reasons,
                                                                                     evaluation_id):
                    totals["unchanged"] += 1
                    continue
                before[review.pk] = review.recommendation
                review.recommendation, review.reasons, review.evaluation_id = recommendation, reasons, evaluation_id
                review.computed_at = now
                changed.append(review)
            RenewalReview.objects.bulk_update(changed, ["recommendation", "reasons", "evaluation", "computed_at"],
                                              batch_size=BATCH)
            audit_record_many(actor=None, action="renewal.recompute", objs=changed, batch_size=BATCH,
                              object_repr=_repr(),
                              changes=lambda r, before=before: {"recommendation": [before[r.pk], r.recommendation]})
            totals["updated"] += len(changed)
    return totals


def renewals_scan(*, tenant, today: datetime.date | None = None, chunk: int = CHUNK) -> dict:
    """Create the missing reviews of contracts ending within the window, then recompute the pending ones.
    Idempotent: a second run creates nothing and, with unchanged inputs, writes nothing."""
    require_tenant(tenant)
    today = today or timezone.localdate()
    settings = renewal_settings_for(tenant)
    pending = _pending_ids(tenant=tenant)  # before creating: a review created now is fresh
    ids = list(_candidates(tenant=tenant, today=today, window_days=settings.window_days))
    now = timezone.now()
    created = 0
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            created += _create_chunk(tenant=tenant, ids=ids[start:start + chunk], now=now)
    refreshed = renewals_refresh(tenant=tenant, review_ids=pending, now=now)
    return {"created": created, **refreshed}


# --- the decision ---------------------------------------------------------------------------


def _renewal_number(prior: Contract) -> str:
    chain = renewal_chain(prior)
    root = chain[-1].number[:34]
    return f"{root}-R{len(chain)}"


@transaction.atomic
def contract_renew(*, actor, prior: Contract, conditions: str = "") -> Contract:
    """Draw up the renewal of ``prior``: same parties, amount and term length starting the day after it ends,
    its indicators and payment tranches copied (due dates shifted by the term), linked as ``prior_contract``.
    Refused when the renewal chain would pass three years (MoF Order 102)."""
    tenant = require_tenant(prior.tenant)
    if not can_manage_contract(actor, prior):
        raise ApplicationError(_("You may not renew this contract."))
    lock_row(prior, "status")
    if prior.status not in SCANNED_STATUSES:
        raise ConflictError(_("Only a signed or completed contract can be renewed."))
    if Contract.objects.filter(prior_contract=prior).exists():
        raise ConflictError(_("This contract is already renewed."))
    start, end = next_term(prior)
    check_term(start_date=start, end_date=end, continuous_service=prior.continuous_service)
    check_term_cap(prior_contract=prior, start_date=start, end_date=end)
    shift = relativedelta(start, prior.start_date)
    contract = Contract(
        tenant=tenant, application_id=prior.application_id, award=None, region_id=prior.region_id,
        buyer_name=prior.buyer_name, organization_id=prior.organization_id, number=_renewal_number(prior),
        title=prior.title, amount=prior.amount, start_date=start, end_date=end,
        continuous_service=prior.continuous_service, prior_contract=prior, status=ContractStatus.PENDING,
        note=conditions)
    contract.full_clean(exclude=["award"])
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError as exc:
        raise ConflictError(_("Contract number %(number)s is already in use.") % {"number": contract.number},
                            extra={"field": "number"}) from exc
    ContractIndicator.objects.bulk_create([
        ContractIndicator(tenant=tenant, contract=contract, source_id=indicator.source_id,
                          **{name: getattr(indicator, name) for name in INDICATOR_COPY})
        for indicator in prior.indicators.order_by("position", "id")])
    by_sequence: dict[int, PaymentTranche] = {}
    tranches = list(prior.tranches.select_related("depends_on").order_by("sequence"))
    for old in tranches:
        new = PaymentTranche(tenant=tenant, contract=contract, due_date=old.due_date + shift if old.due_date else None,
                             depends_on=by_sequence.get(old.depends_on.sequence) if old.depends_on_id else None,
                             **{name: getattr(old, name) for name in TRANCHE_COPY})
        new.save()
        by_sequence[new.sequence] = new
    CONTRACT_WORKFLOW.start(obj=contract, actor=actor)
    audit_record(actor=actor, action="contract.renew", obj=contract, changes={
        "prior_contract": prior.pk, "number": contract.number, "start_date": start.isoformat(),
        "end_date": end.isoformat(), "amount": str(contract.amount), "indicators": contract.indicators.count(),
        "tranches": len(tranches)})
    notifications_tenders.contract_changed(contract=contract, actor=actor)
    return contract


@transaction.atomic
def renewal_decide(*, actor, review: RenewalReview, decision: str, conditions: str = "", note: str = "",
                   bid_opens: datetime.datetime | None = None,
                   bid_closes: datetime.datetime | None = None) -> RenewalReview:
    """Staff decide a pending review. Renewing draws up the next contract, re-tendering opens the next round of
    bidding on the same task book (bid window required); the organization is notified. A second decision
    (a double submission) finds the review decided and is refused."""
    require_tenant(review.tenant)
    if decision not in DECISIONS:
        raise ValidationError({"decision": [_("Choose renew, renew with conditions, re-tender or not continue.")]})
    if not can_decide_renewal(actor, review):
        raise ApplicationError(_("You may not decide this renewal."))
    lock_row(review, "status")
    if review.status != RenewalStatus.PENDING:
        raise ConflictError(_("This renewal is already decided (%(status)s).")
                            % {"status": review.get_status_display()})
    conditions, note = str(conditions or "").strip(), str(note or "").strip()
    if decision == RenewalStatus.RENEWED_WITH_CONDITIONS and not conditions:
        raise ValidationError({"conditions": [_("Give the conditions of the renewal.")]})
    if decision == RenewalStatus.NOT_CONTINUED and not note:
        raise ValidationError({"note": [_("Please give a reason.")]})
    fields = {"decided_by": actor_or_none(actor), "decided_at": timezone.now(), "decision_note": note,
              "conditions": conditions if decision == RenewalStatus.RENEWED_WITH_CONDITIONS else ""}
    contract = review.contract
    if decision in RENEWING:
        fields["next_contract"] = contract_renew(actor=actor, prior=contract, conditions=fields["conditions"])
    elif decision == RenewalStatus.RETENDERED:
        if bid_opens is None or bid_closes is None:
            raise ValidationError({"bid_closes" if bid_opens else "bid_opens": [_("This field is required.")]})
        fields["new_tender"] = tender_reopen(actor=actor, application=contract.application, bid_opens=bid_opens,
                                             bid_closes=bid_closes)
    RENEWAL_WORKFLOW.transition(obj=review, to=decision, actor=actor, note=note or fields["conditions"],
                                fields=fields)
    notifications.renewal_decided(review=review, actor=actor)
    return review


__all__ = ["chain_starts", "contract_renew", "final_evaluations", "reason_texts", "recommend", "renewal_decide",
           "renewal_settings_for", "renewals_refresh", "renewals_scan"]
