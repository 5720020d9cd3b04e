"""The organization's list columns (issue 8): its valid grade and its credit lists, copied onto the row.

``organization_refresh_flags(org_ids=...)`` recomputes them from the grades and credit records, set-based
(one UPDATE per 2,000 organizations). Every service that awards or expires a grade or adds or removes a
credit-list entry calls it in its own transaction; the admin of grades and credit records too.
``organization_flags_check`` (daily task) finds rows that drifted anyway (a write that bypassed the
services), fixes them and audits each fix.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from governance.audit import audit_record_many
from governance.tenancy import require_tenant
from orgs.models import CreditList, CreditRecord, EvaluationGrade, GradeStatus, Organization

FLAG_FIELDS = ("valid_grade", "valid_grade_until", "on_abnormal_list", "on_serious_list")
_CHUNK = 2000


def _computed() -> dict:
    """The columns as the grade and credit rows define them (at most one valid grade per organization)."""
    valid = EvaluationGrade.objects.filter(organization_id=OuterRef("pk"), status=GradeStatus.VALID).order_by(
        "-awarded_date", "-id")

    def listed(list_type):
        return Exists(CreditRecord.objects.filter(organization_id=OuterRef("pk"), list_type=list_type,
                                                  removed_on__isnull=True))

    return {
        "valid_grade": Coalesce(Subquery(valid.values("grade")[:1]), Value("")),
        "valid_grade_until": Subquery(valid.values("expires_date")[:1]),
        "on_abnormal_list": listed(CreditList.ABNORMAL),
        "on_serious_list": listed(CreditList.SERIOUS),
    }


def organization_refresh_flags(*, org_ids: Iterable[int]) -> int:
    """Recompute the list columns of these organizations (in the caller's transaction and tenant)."""
    ids = sorted({pk for pk in org_ids if pk is not None})
    updated = 0
    for start in range(0, len(ids), _CHUNK):
        updated += Organization.objects.filter(pk__in=ids[start:start + _CHUNK]).update(**_computed())
    return updated


def _drift() -> Q:
    """Rows whose stored columns differ from the computed ``want_*`` annotations (NULL-safe for the date)."""
    until, want_until = "valid_grade_until", "want_valid_grade_until"
    return (
        ~Q(valid_grade=F("want_valid_grade"))
        | ~Q(on_abnormal_list=F("want_on_abnormal_list"))
        | ~Q(on_serious_list=F("want_on_serious_list"))
        | Q(**{f"{until}__isnull": True, f"{want_until}__isnull": False})
        | Q(**{f"{until}__isnull": False, f"{want_until}__isnull": True})
        | (Q(**{f"{until}__isnull": False, f"{want_until}__isnull": False}) & ~Q(**{until: F(want_until)}))
    )


@transaction.atomic
def organization_flags_check(*, tenant) -> int:
    """The daily consistency check: fix the organizations whose list columns drifted; one audit event per fix.

    Idempotent: a second run finds nothing and returns 0.
    """
    require_tenant(tenant)
    wanted = {f"want_{field}": expression for field, expression in _computed().items()}
    # No lock needed: the UPDATE recomputes from the grade and credit rows as they are when it runs.
    drifted = list(Organization.objects.annotate(**wanted).filter(_drift()).select_related("region").order_by("pk"))
    if not drifted:
        return 0
    organization_refresh_flags(org_ids=[org.pk for org in drifted])

    def changes(org) -> dict:
        return {field: [getattr(org, field), getattr(org, f"want_{field}")] for field in FLAG_FIELDS
                if getattr(org, field) != getattr(org, f"want_{field}")}

    audit_record_many(actor=None, tenant=tenant, action="organization.list_flags_fix", objs=drifted, changes=changes)
    return len(drifted)
