"""Performance records and the organization's resident satisfaction (issue 10 item 6).

A higher app (projects) calls ``performance_record_add`` in the transaction that publishes an evaluation of
one of the organization's contracts: the record copies the result (the registry does not import projects),
is written once per evaluation (a retry returns the existing record) and is audited. The organization's
``satisfaction_mean`` / ``satisfaction_ratings`` are then recomputed from its records: per contract the
latest record with a satisfaction (a final evaluation's ratings include the mid-term's, so counting both
would count residents twice), averaged weighted by the number of ratings behind each.
``organization_satisfaction_check`` (daily) recomputes every organization and audits drift.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from governance.audit import audit_record, audit_record_many
from governance.tenancy import require_tenant
from governance.workflows import lock_row
from orgs.models import Organization, PerformanceBand, PerformanceKind, PerformanceRecord

CENT = Decimal("0.01")
SATISFACTION_FIELDS = ("satisfaction_mean", "satisfaction_ratings")


def _score(value, field: str, *, required: bool = True) -> Decimal | None:
    if value is None and not required:
        return None
    try:
        number = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: [_("Enter a score from 0 to 100.")]}) from None
    if not Decimal(0) <= number <= Decimal(100):
        raise ValidationError({field: [_("Enter a score from 0 to 100.")]})
    return number


@transaction.atomic
def performance_record_add(*, actor, organization: Organization, evaluation_id: int, contract_id: int,
                           contract_number: str, contract_title: str, kind: str, period: datetime.date,
                           score, band: str, satisfaction=None, ratings: int = 0,
                           published_at: datetime.datetime) -> PerformanceRecord:
    """Record one published evaluation on the organization and refresh its satisfaction (idempotent)."""
    require_tenant(organization.tenant)
    if kind not in PerformanceKind.values:
        raise ValidationError({"kind": [_("Choose the mid-term or the final evaluation.")]})
    if band not in PerformanceBand.values:
        raise ValidationError({"band": [_("Select a valid choice.")]})
    lock_row(organization)
    existing = PerformanceRecord.objects.filter(tenant_id=organization.tenant_id, evaluation_id=evaluation_id).first()
    if existing is not None:
        return existing
    record = PerformanceRecord(
        tenant_id=organization.tenant_id, organization=organization, evaluation_id=evaluation_id,
        contract_id=contract_id, contract_number=str(contract_number)[:40], contract_title=str(contract_title)[:200],
        kind=kind, period=period, score=_score(score, "score"), band=band,
        satisfaction=_score(satisfaction, "satisfaction", required=False), ratings=max(0, int(ratings or 0)),
        published_at=published_at)
    record.full_clean()
    record.save()
    before = {name: getattr(organization, name) for name in SATISFACTION_FIELDS}
    organization_refresh_satisfaction(org_ids=[organization.pk])
    organization.refresh_from_db(fields=list(SATISFACTION_FIELDS))
    audit_record(actor=actor, action="organization.performance", obj=organization, changes={
        "evaluation": evaluation_id, "contract": record.contract_number, "kind": kind, "period": period.isoformat(),
        "score": str(record.score), "band": band,
        **{name: [_text(before[name]), _text(getattr(organization, name))] for name in SATISFACTION_FIELDS}})
    return record


def _text(value):
    return None if value is None else str(value)


def satisfaction_of(org_ids: Iterable[int]) -> dict[int, tuple[Decimal | None, int]]:
    """``{organization id: (mean, ratings)}`` from the records, one query for all of them."""
    ids = sorted({pk for pk in org_ids if pk is not None})
    latest: dict[tuple[int, int], tuple[Decimal, int]] = {}
    rows = (PerformanceRecord.objects.filter(organization_id__in=ids, satisfaction__isnull=False, ratings__gt=0)
            .order_by("organization_id", "contract_id", "-period", "-id")
            .values_list("organization_id", "contract_id", "satisfaction", "ratings"))
    for org_id, contract_id, satisfaction, ratings in rows:
        latest.setdefault((org_id, contract_id), (satisfaction, ratings))
    totals: dict[int, list] = {pk: [Decimal(0), 0] for pk in ids}
    for (org_id, _contract), (satisfaction, ratings) in latest.items():
        totals[org_id][0] += satisfaction * ratings
        totals[org_id][1] += ratings
    return {pk: ((weighted / n).quantize(CENT, rounding=ROUND_HALF_UP) if n else None, n)
            for pk, (weighted, n) in totals.items()}


def organization_refresh_satisfaction(*, org_ids: Iterable[int]) -> int:
    """Recompute the satisfaction columns of these organizations (in the caller's transaction and tenant)."""
    computed = satisfaction_of(org_ids)
    changed = []
    for organization in Organization.objects.filter(pk__in=list(computed)).only("id", *SATISFACTION_FIELDS):
        mean, ratings = computed[organization.pk]
        if (organization.satisfaction_mean, organization.satisfaction_ratings) != (mean, ratings):
            organization.satisfaction_mean, organization.satisfaction_ratings = mean, ratings
            changed.append(organization)
    Organization.objects.bulk_update(changed, list(SATISFACTION_FIELDS), batch_size=500)
    return len(changed)


@transaction.atomic
def organization_satisfaction_check(*, tenant) -> int:
    """Daily: recompute every organization of ``tenant`` with records or a satisfaction, fix and audit drift."""
    require_tenant(tenant)
    ids = set(PerformanceRecord.objects.filter(tenant=tenant).values_list("organization_id", flat=True))
    ids |= set(Organization.objects.filter(tenant=tenant, satisfaction_ratings__gt=0).values_list("id", flat=True))
    computed = satisfaction_of(ids)
    drifted = [o for o in Organization.objects.filter(pk__in=sorted(ids)).only("id", "region", *SATISFACTION_FIELDS)
               if (o.satisfaction_mean, o.satisfaction_ratings) != computed[o.pk]]
    if not drifted:
        return 0
    before = {o.pk: (o.satisfaction_mean, o.satisfaction_ratings) for o in drifted}
    organization_refresh_satisfaction(org_ids=[o.pk for o in drifted])
    audit_record_many(actor=None, action="organization.satisfaction_fixed", objs=drifted, changes=lambda o: {
        "satisfaction_mean": [_text(before[o.pk][0]), _text(computed[o.pk][0])],
        "satisfaction_ratings": [before[o.pk][1], computed[o.pk][1]]})
    return len(drifted)
