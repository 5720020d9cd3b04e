"""Evaluations (中期评估 / 结项评估): the per-tenant run, publication, expert scores and the settings.

``evaluations_run`` (Celery, daily per tenant) finds the contracts whose mid-term or final report is approved
or past its due date, builds every due evaluation's input snapshot set-based (``evaluation_inputs``), scores it
with the pure formula (``evaluation_formula.evaluate``) and writes it, unique per (contract, kind, period):

- a key already published is skipped: a published result never changes (and the database refuses it);
- a computed evaluation whose input hash and formula version are unchanged is left as it is, so a rerun or
  a retry writes nothing and the rows stay identical;
- contracts are handled in chunks, each in one transaction with its contract rows locked (a second run
  waits, then finds the first's rows unchanged); a worker killed mid-run loses at most its open chunk, which
  the retried task (``acks_late``) computes again.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, audit_record_many, diff
from governance.audit import snapshot as audit_snapshot
from governance.exceptions import ApplicationError, ConflictError
from governance.imports.inserting import bulk_insert_objects
from governance.tenancy import actor_or_none, require_tenant
from governance.workflows import lock_row, lock_rows
from orgs import services as orgs_services
from projects import notifications_evaluations
from projects.models import (
    WEIGHT_FIELDS,
    Contract,
    ContractStatus,
    Evaluation,
    EvaluationKind,
    EvaluationSettings,
    EvaluationStatus,
    ExpertScore,
    ProgressReport,
    ReportStatus,
)
from projects.permissions_evaluations import (
    can_edit_evaluation_settings,
    can_enter_expert_score,
    can_publish_evaluation,
)
from projects.services.evaluation_formula import FORMULA_VERSION, evaluate, snapshot_hash
from projects.services.evaluation_inputs import Key, snapshots_for
from projects.services.reports import report_settings_for
from projects.workflows_evaluations import EVALUATION_WORKFLOW

CHUNK = 2000
BATCH = 1000  # rows per INSERT/UPDATE statement (16 columns: far below the bind parameter limits)
SETTINGS_FIELDS = (*WEIGHT_FIELDS, "band_excellent", "band_good", "band_pass")
RESULT_FIELDS = ("score", "band", "breakdown", "satisfaction", "ratings", "input_snapshot", "input_hash",
                 "formula_version", "computed_at")
EVALUATED_STATUSES = (ContractStatus.ACTIVE, ContractStatus.TERMINATED)


def evaluation_settings_for(tenant) -> EvaluationSettings:
    """The tenant's settings row, or the defaults (unsaved) when it has none."""
    return EvaluationSettings.objects.filter(tenant=tenant).first() or EvaluationSettings(tenant=tenant)


@transaction.atomic
def evaluation_settings_save(*, actor, tenant, **values) -> EvaluationSettings:
    """Weights (summing to 100) and band thresholds (descending) of the tenant; later runs use them."""
    require_tenant(tenant)
    if not can_edit_evaluation_settings(actor):
        raise ApplicationError(_("You may not change the evaluation settings."))
    unknown = sorted(set(values) - set(SETTINGS_FIELDS))
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    existing = lock_rows(EvaluationSettings.objects.filter(tenant=tenant))
    settings = existing[0] if existing else EvaluationSettings(tenant=tenant)
    before = audit_snapshot(settings, list(SETTINGS_FIELDS))
    errors = {}
    for name, value in values.items():
        try:
            setattr(settings, name, Decimal(str(value)))
        except (InvalidOperation, TypeError, ValueError):
            errors[name] = [_("Enter a number.")]
    if errors:
        raise ValidationError(errors)
    settings.full_clean()
    settings.save()
    audit_record(actor=actor, action="evaluation.settings", obj=settings,
                 changes=diff(before, audit_snapshot(settings, list(SETTINGS_FIELDS))))
    return settings


# --- the run ----------------------------------------------------------------------------------


def due_evaluations(*, tenant, today: datetime.date):
    """(contract id, kind, period) of every evaluation due: the contract's mid-term or final report is
    approved or past its due date, and the contract is signed or completed."""
    return (ProgressReport.objects
            .filter(tenant=tenant, kind__in=[EvaluationKind.MIDTERM, EvaluationKind.FINAL],
                    contract__status__in=EVALUATED_STATUSES)
            .filter(Q(status=ReportStatus.APPROVED) | Q(due_date__lt=today))
            .values_list("contract_id", "kind", "period_end").order_by("contract_id", "kind"))


def _changes(evaluation: Evaluation) -> dict:
    return {"kind": evaluation.kind, "period": evaluation.period.isoformat(), "score": str(evaluation.score),
            "band": evaluation.band, "input_hash": evaluation.input_hash, "formula_version": evaluation.formula_version}


def _repr(labels: dict):
    """``str(evaluation)`` of the audit events, the kind's label translated once per run instead of per row."""
    return lambda e: f"{e.contract_id} · {labels.get(e.kind, e.kind)} · {e.period:%Y-%m-%d}"


def _apply(evaluation: Evaluation, snapshot: dict, digest: str, now) -> None:
    result = evaluate(snapshot)
    evaluation.score, evaluation.band, evaluation.breakdown = result["score"], result["band"], result["breakdown"]
    evaluation.satisfaction, evaluation.ratings = result["satisfaction"], result["ratings"]
    evaluation.input_snapshot, evaluation.input_hash = snapshot, digest
    evaluation.formula_version, evaluation.computed_at = FORMULA_VERSION, now


# What the run reads of the contracts it locks (the snapshot's term and budget lines, the audit's region).
CONTRACT_FIELDS = ("id", "tenant_id", "application_id", "start_date", "end_date", "region_id", "region__path")


def _run_chunk(*, tenant, due: list[tuple], settings: EvaluationSettings, overhead_limit: Decimal) -> dict:
    ids = sorted({contract_id for contract_id, _kind, _period in due})
    contracts = {c.pk: c for c in lock_rows(Contract.objects.filter(tenant=tenant, pk__in=ids)
                                            .select_related("region").only(*CONTRACT_FIELDS), no_key=True)}
    # (pk, status, input hash, formula version) per key: no model instances for the rows a rerun leaves alone.
    existing = {(row[1], row[2], row[3]): row for row in Evaluation.objects.filter(contract_id__in=ids)
                .values_list("pk", "contract_id", "kind", "period", "status", "input_hash", "formula_version")}
    keys, published = [], 0
    for contract_id, kind, period in due:
        current = existing.get((contract_id, kind, period))
        if current is not None and current[4] == EvaluationStatus.PUBLISHED:
            published += 1
        elif contract_id in contracts:
            keys.append(Key(contracts[contract_id], kind, period))
    now = timezone.now()
    created, updated, unchanged = [], [], 0
    for key, snapshot in zip(keys, snapshots_for(keys=keys, settings=settings, overhead_limit=overhead_limit),
                             strict=True):
        digest = snapshot_hash(snapshot)
        current = existing.get((key.contract.pk, key.kind, key.period))
        if current is not None and current[5] == digest and current[6] == FORMULA_VERSION:
            unchanged += 1
            continue
        evaluation = Evaluation(pk=None if current is None else current[0], tenant_id=tenant.pk, kind=key.kind,
                                period=key.period, status=EvaluationStatus.COMPUTED if current is None else current[4])
        evaluation.contract = key.contract
        _apply(evaluation, snapshot, digest, now)
        (updated if current is not None else created).append(evaluation)
    # COPY on PostgreSQL (two JSONB columns per row: the ORM's per-field preparation was a tenth of the run).
    bulk_insert_objects(Evaluation, created, tenant=tenant)
    Evaluation.objects.bulk_update(updated, RESULT_FIELDS, batch_size=BATCH)
    audit_record_many(actor=None, action="evaluation.compute", objs=[*created, *updated], changes=_changes,
                      object_repr=_repr({k: str(v) for k, v in EvaluationKind.choices}), batch_size=BATCH)
    return {"created": len(created), "updated": len(updated), "unchanged": unchanged, "published": published}


def evaluations_run(*, tenant, today: datetime.date | None = None, chunk: int = CHUNK) -> dict:
    """Compute every due evaluation of ``tenant`` (idempotent; see the module docstring)."""
    require_tenant(tenant)
    today = today or timezone.localdate()
    settings = evaluation_settings_for(tenant)
    overhead_limit = report_settings_for(tenant).overhead_max_share
    due = list(due_evaluations(tenant=tenant, today=today))
    totals = {"created": 0, "updated": 0, "unchanged": 0, "published": 0}
    # Chunks end on a contract boundary, so both evaluations of a contract are written together.
    start = 0
    while start < len(due):
        end = min(start + chunk, len(due))
        while end < len(due) and due[end][0] == due[end - 1][0]:
            end += 1
        with transaction.atomic():
            for name, count in _run_chunk(tenant=tenant, due=due[start:end], settings=settings,
                                          overhead_limit=overhead_limit).items():
                totals[name] += count
        start = end
    return totals


def evaluation_recompute(evaluation: Evaluation) -> dict:
    """Recompute ``evaluation`` from its stored snapshot: ``{"score", "band", "input_hash", "identical"}``."""
    result = evaluate(evaluation.input_snapshot)
    digest = snapshot_hash(evaluation.input_snapshot)
    return {"score": result["score"], "band": result["band"], "input_hash": digest,
            "identical": (result["score"] == evaluation.score and result["band"] == evaluation.band
                          and digest == evaluation.input_hash)}


# --- publication ------------------------------------------------------------------------------


@transaction.atomic
def evaluation_publish(*, actor, evaluation: Evaluation, note: str = "") -> Evaluation:
    """Publish a computed evaluation (the buyer's staff): computed → published through the workflow, audited,
    recorded on the organization (``orgs.services.performance_record_add``: its performance history and
    resident satisfaction), the organization's members notified on commit. From then on it never changes (the run skips it, this
    service refuses a second publication and the database trigger refuses any update)."""
    require_tenant(evaluation.tenant)
    if not can_publish_evaluation(actor, evaluation):
        raise ApplicationError(_("You may not publish this evaluation."))
    lock_row(evaluation, "status")
    if evaluation.status == EvaluationStatus.PUBLISHED:
        raise ConflictError(_("This evaluation is already published; a published evaluation cannot change."))
    EVALUATION_WORKFLOW.transition(obj=evaluation, to=EvaluationStatus.PUBLISHED, actor=actor,
                                   note=str(note or "")[:2000],
                                   fields={"published_at": timezone.now(), "published_by": actor_or_none(actor)})
    contract = evaluation.contract
    orgs_services.performance_record_add(
        actor=actor, organization=contract.organization, evaluation_id=evaluation.pk, contract_id=contract.pk,
        contract_number=contract.number, contract_title=contract.title, kind=evaluation.kind,
        period=evaluation.period, score=evaluation.score, band=evaluation.band, satisfaction=evaluation.satisfaction,
        ratings=evaluation.ratings, published_at=evaluation.published_at)
    notifications_evaluations.evaluation_published(evaluation=evaluation, actor=actor)
    return evaluation


# --- expert and third-party scores ------------------------------------------------------------


@transaction.atomic
def expert_score_save(*, actor, contract: Contract, kind: str, assessor: str, score, third_party: bool = False,
                      note: str = "") -> ExpertScore:
    """Enter (or correct) one assessor's score for the mid-term or final evaluation; the next run uses it.
    Refused once that evaluation is published."""
    require_tenant(contract.tenant)
    if not can_enter_expert_score(actor, contract):
        raise ApplicationError(_("You may not enter scores for this contract."))
    if kind not in EvaluationKind.values:
        raise ValidationError({"kind": [_("Choose the mid-term or the final evaluation.")]})
    lock_row(contract, "status")
    if Evaluation.objects.filter(contract=contract, kind=kind, status=EvaluationStatus.PUBLISHED).exists():
        raise ConflictError(_("This evaluation is published; its scores cannot change."))
    assessor = str(assessor or "").strip()
    try:
        value = Decimal(str(score).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"score": [_("Enter a score from 0 to 100.")]}) from None
    existing = lock_rows(ExpertScore.objects.filter(contract=contract, kind=kind, assessor=assessor))
    row = existing[0] if existing else ExpertScore(tenant_id=contract.tenant_id, contract=contract, kind=kind,
                                                   assessor=assessor)
    before = None if row.pk is None else str(row.score)
    row.score, row.third_party, row.note = value, bool(third_party), str(note or "").strip()
    row.entered_by = actor_or_none(actor)
    row.full_clean()
    row.save()
    audit_record(actor=actor, action="evaluation.expert_score", obj=row, changes={
        "kind": kind, "assessor": assessor, "score": [before, str(row.score)], "third_party": row.third_party})
    return row


__all__ = ["due_evaluations", "evaluation_publish", "evaluation_recompute", "evaluation_settings_for",
           "evaluation_settings_save", "evaluations_run", "expert_score_save"]
