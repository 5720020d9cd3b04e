"""The daily credit-list rules (MCA Order 60) and grade expiry, set-based and audited in bulk."""

from __future__ import annotations

import datetime
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy

from governance.audit import audit_record_many
from governance.models import Tenant
from governance.tenancy import require_tenant
from governance.workflows import lock_rows
from orgs import notifications, signals
from orgs.models import (
    NO_RECTIFICATION_REASONS,
    AnnualReport,
    CreditList,
    CreditReason,
    CreditRecord,
    CreditSource,
    EvaluationGrade,
    GradeStatus,
    Organization,
    OrgStatus,
    ReportStatus,
)
from orgs.services._common import _as_date
from orgs.services.list_flags import organization_refresh_flags

# Days before expiry when the daily job flags a grade for re-evaluation.
GRADE_EXPIRY_WARNING_DAYS = 90
NO_RECTIFICATION_MONTHS = 6
ABNORMAL_TO_SERIOUS_YEARS = 2

REMOVAL_VERIFIED = gettext_lazy("obligation fulfilled and verified")
REMOVAL_NO_RECTIFICATION = gettext_lazy("six months after the latest listing (no rectification needed)")
REMOVAL_MOVED = gettext_lazy("moved to the serious list")
REMOVAL_DEREGISTERED = gettext_lazy("organization deregistered")


def _records():
    return CreditRecord.objects.select_related("organization__region")


def _rule_list_overdue(tenant, today: datetime.date) -> list[CreditRecord]:
    # An entry moved to the serious list still answers for its report: listing the report again would
    # put the organization on both lists and restart the two-year clock.
    answered = CreditRecord.objects.filter(annual_report_id=OuterRef("pk")).filter(
        Q(removed_on__isnull=True) | Q(moved_to__isnull=False)
    )
    reports = list(
        AnnualReport.objects.filter(
            due_date__lt=today, status__in=[ReportStatus.OPEN, ReportStatus.RETURNED],
            organization__status=OrgStatus.ACTIVE,
        ).exclude(Exists(answered)).select_related("organization__region")
    )
    records = [
        CreditRecord(
            tenant_id=tenant.pk, organization=report.organization, list_type=CreditList.ABNORMAL,
            reason=CreditReason.ANNUAL_REPORT_OVERDUE, source=CreditSource.AUTOMATIC, listed_on=today,
            annual_report=report,
        )
        for report in reports
    ]
    CreditRecord.objects.bulk_create(records)
    audit_record_many(actor=None, tenant=tenant, action="credit.auto_list", objs=records, changes=lambda r: {
        "list_type": r.list_type, "reason": r.reason, "listed_on": r.listed_on, "annual_report": r.annual_report_id,
    })
    signals.send_credit_listed(records, automatic=True)
    return records


def _rule_remove_verified(tenant, today: datetime.date) -> list[CreditRecord]:
    tz = timezone.get_current_timezone()
    start_of_tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    reviewed = list(
        _records().select_related("annual_report").filter(
            list_type=CreditList.ABNORMAL, reason=CreditReason.ANNUAL_REPORT_OVERDUE, removed_on__isnull=True,
            annual_report__status=ReportStatus.REVIEWED,
        ).filter(Q(annual_report__reviewed_at__lt=start_of_tomorrow) | Q(annual_report__reviewed_at__isnull=True))
    )
    for record in reviewed:
        if record.rectification_verified_on is None:
            reviewed_at = record.annual_report.reviewed_at
            record.rectification_verified_on = timezone.localdate(reviewed_at) if reviewed_at else today
    verified = list(
        _records().filter(
            list_type=CreditList.ABNORMAL, removed_on__isnull=True, rectification_verified_on__lte=today,
        ).exclude(pk__in=[record.pk for record in reviewed])
    )
    records = reviewed + verified
    for record in records:
        record.removed_on = today
        record.removal_reason = str(REMOVAL_VERIFIED)
    CreditRecord.objects.bulk_update(records, ["rectification_verified_on", "removed_on", "removal_reason"])
    audit_record_many(actor=None, tenant=tenant, action="credit.auto_remove", objs=records, changes=lambda r: {
        "removed_on": r.removed_on, "removal_reason": r.removal_reason,
        "rectification_verified_on": r.rectification_verified_on,
    })
    return records


def _rule_remove_no_rectification(tenant, today: datetime.date) -> list[CreditRecord]:
    # A new listing on the abnormal list restarts the clock for every no-rectification entry.
    latest = Subquery(
        CreditRecord.objects.filter(
            organization_id=OuterRef("organization_id"), list_type=CreditList.ABNORMAL, listed_on__lte=today
        ).order_by("-listed_on").values("listed_on")[:1]
    )
    candidates = _records().filter(
        list_type=CreditList.ABNORMAL, removed_on__isnull=True, reason__in=NO_RECTIFICATION_REASONS
    ).annotate(latest_listed_on=latest)
    # relativedelta in Python: month ends (31 August + 6 months) are not expressible portably in SQL.
    records = [r for r in candidates
               if r.latest_listed_on and r.latest_listed_on + relativedelta(months=NO_RECTIFICATION_MONTHS) <= today]
    for record in records:
        record.removed_on = today
        record.removal_reason = str(REMOVAL_NO_RECTIFICATION)
    CreditRecord.objects.bulk_update(records, ["removed_on", "removal_reason"])
    audit_record_many(actor=None, tenant=tenant, action="credit.auto_remove", objs=records, changes=lambda r: {
        "removed_on": r.removed_on, "removal_reason": r.removal_reason, "latest_listed_on": r.latest_listed_on,
    })
    return records


def abnormal_stretch_start(listings, today: datetime.date) -> datetime.date | None:
    """First day of the organization's continuous listing on the abnormal list that lasts until ``today``.

    ``listings`` are ``(listed_on, removed_on)`` pairs of its abnormal entries, sorted by ``listed_on``:
    an entry covers the days from its listing up to the day before its removal, so an entry listed the
    day another one is removed continues the stretch. ``None`` when no entry is open today.
    """
    start = end = None  # end None: an entry of the stretch is still open
    opened = False
    for listed, removed in listings:
        if listed > today:
            continue
        if start is None or (end is not None and listed > end):
            start, end = listed, removed
        elif end is not None:
            end = None if removed is None else max(end, removed)
        opened = end is None
    return start if opened else None


def _rule_move_to_serious(tenant, today: datetime.date) -> list[CreditRecord]:
    """Two full years on the abnormal list, counted per organization from its first continuous listing.

    The move closes every open abnormal entry of the organization as moved and lists it once on the
    serious list; an organization already there for this reason gets no second entry (a partial unique
    constraint): the newly moved entries point at the open one. Entries moved earlier ended their stretch.
    """
    bound = today - relativedelta(years=ABNORMAL_TO_SERIOUS_YEARS) + datetime.timedelta(days=1)  # 29 February
    abnormal = CreditRecord.objects.filter(list_type=CreditList.ABNORMAL, moved_to__isnull=True)
    old_listing = abnormal.filter(organization_id=OuterRef("organization_id"), listed_on__lte=bound)
    org_ids = set(abnormal.filter(removed_on__isnull=True, rectification_verified_on__isnull=True)
                  .filter(Exists(old_listing)).values_list("organization_id", flat=True))
    if not org_ids:
        return []
    # The organizations' rows stay locked until the commit: a staff change or an application on one of
    # them waits, and whatever it reads next reflects the move.
    lock_rows(Organization.objects.filter(pk__in=org_ids), no_key=True)
    listings: dict[int, list[tuple]] = defaultdict(list)
    for org_id, listed, removed in abnormal.filter(organization_id__in=org_ids).order_by(
        "organization_id", "listed_on", "id"
    ).values_list("organization_id", "listed_on", "removed_on"):
        listings[org_id].append((listed, removed))
    due_orgs = set()
    for org_id in org_ids:
        start = abnormal_stretch_start(listings[org_id], today)
        if start is not None and start + relativedelta(years=ABNORMAL_TO_SERIOUS_YEARS) <= today:
            due_orgs.add(org_id)
    if not due_orgs:
        return []
    due = list(_records().filter(list_type=CreditList.ABNORMAL, removed_on__isnull=True,
                                 organization_id__in=due_orgs).order_by("organization_id", "listed_on", "id"))
    by_org: dict[int, list[CreditRecord]] = defaultdict(list)
    for record in due:
        by_org[record.organization_id].append(record)
    existing = {record.organization_id: record for record in _records().filter(
        list_type=CreditList.SERIOUS, reason=CreditReason.ABNORMAL_TWO_YEARS, removed_on__isnull=True,
        organization_id__in=due_orgs,
    )}
    created = [
        CreditRecord(
            tenant_id=tenant.pk, organization=records[0].organization, list_type=CreditList.SERIOUS,
            reason=CreditReason.ABNORMAL_TWO_YEARS, source=CreditSource.AUTOMATIC, listed_on=today,
        )
        for org_id, records in by_org.items() if org_id not in existing
    ]
    CreditRecord.objects.bulk_create(created)
    target = {**existing, **{record.organization_id: record for record in created}}
    for record in due:
        record.removed_on = today
        record.moved_to = target[record.organization_id]
        record.removal_reason = str(REMOVAL_MOVED)
    CreditRecord.objects.bulk_update(due, ["removed_on", "moved_to", "removal_reason"])
    audit_record_many(actor=None, tenant=tenant, action="credit.auto_list", objs=created, changes=lambda r: {
        "list_type": r.list_type, "reason": r.reason, "listed_on": r.listed_on,
        "moved_from": [m.pk for m in by_org[r.organization_id]],
    })
    signals.send_credit_listed(created, automatic=True)
    # The organizations' users hear of the move as the new listing (not of an entry they are already on).
    notifications.credit_listed(records=created)
    audit_record_many(actor=None, tenant=tenant, action="credit.move_to_serious", objs=due, changes=lambda r: {
        "removed_on": r.removed_on, "removal_reason": r.removal_reason, "moved_to": r.moved_to_id,
    })
    return [target[org_id] for org_id in sorted(by_org)]


def _rule_fulfilled_after_move(tenant, today: datetime.date) -> list[CreditRecord]:
    """A reviewed overdue annual report fulfils the obligation of its entry after the move as well."""
    tz = timezone.get_current_timezone()
    start_of_tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    records = list(
        _records().select_related("annual_report").filter(
            list_type=CreditList.ABNORMAL, reason=CreditReason.ANNUAL_REPORT_OVERDUE, moved_to__isnull=False,
            rectification_verified_on__isnull=True, annual_report__status=ReportStatus.REVIEWED,
        ).filter(Q(annual_report__reviewed_at__lt=start_of_tomorrow) | Q(annual_report__reviewed_at__isnull=True))
    )
    for record in records:
        reviewed_at = record.annual_report.reviewed_at
        record.rectification_verified_on = timezone.localdate(reviewed_at) if reviewed_at else today
    CreditRecord.objects.bulk_update(records, ["rectification_verified_on"])
    audit_record_many(actor=None, tenant=tenant, action="credit.obligation_fulfilled", objs=records,
                      changes=lambda r: {"rectification_verified_on": r.rectification_verified_on,
                                         "annual_report": r.annual_report_id, "moved_to": r.moved_to_id})
    return records


def _rule_remove_deregistered(tenant, today: datetime.date) -> list[CreditRecord]:
    records = list(_records().filter(
        removed_on__isnull=True, reason=CreditReason.REGISTRATION_REVOKED,
        organization__status=OrgStatus.DEREGISTERED,
    ))
    for record in records:
        record.removed_on = today
        record.removal_reason = str(REMOVAL_DEREGISTERED)
    CreditRecord.objects.bulk_update(records, ["removed_on", "removal_reason"])
    audit_record_many(actor=None, tenant=tenant, action="credit.auto_remove", objs=records, changes=lambda r: {
        "removed_on": r.removed_on, "removal_reason": r.removal_reason,
    })
    return records


def _rule_grades(tenant, today: datetime.date) -> tuple[int, int]:
    grades = EvaluationGrade.objects.select_related("organization__region")
    expired = list(grades.filter(status=GradeStatus.VALID, expires_date__lte=today))
    for grade in expired:
        grade.status = GradeStatus.EXPIRED
    EvaluationGrade.objects.bulk_update(expired, ["status"])
    organization_refresh_flags(org_ids=[grade.organization_id for grade in expired])
    audit_record_many(actor=None, tenant=tenant, action="grade.expire", objs=expired, changes=lambda g: {
        "status": [GradeStatus.VALID.value, GradeStatus.EXPIRED.value], "expires_date": g.expires_date,
    })
    flagged = list(grades.filter(
        status=GradeStatus.VALID, expiry_flagged_on__isnull=True, expires_date__gt=today,
        expires_date__lte=today + datetime.timedelta(days=GRADE_EXPIRY_WARNING_DAYS),
    ))
    for grade in flagged:
        grade.expiry_flagged_on = today
    EvaluationGrade.objects.bulk_update(flagged, ["expiry_flagged_on"])
    audit_record_many(actor=None, tenant=tenant, action="grade.flag_expiry", objs=flagged, changes=lambda g: {
        "expiry_flagged_on": g.expiry_flagged_on, "expires_date": g.expires_date,
    })
    return len(expired), len(flagged)


@transaction.atomic
def credit_rules_apply(*, tenant, today: datetime.date) -> dict[str, int]:
    """The daily job: credit-list entries and removals (MCA Order 60) and grade expiry, for one tenant.

    Set-based and idempotent: a second run for the same ``today`` finds nothing to do and returns
    zeros. Rules run in this order, so that e.g. an entry removed today is not moved to the serious list.
    """
    require_tenant(tenant)
    today = _as_date(today, "today")
    # Two runs for one tenant (a retry next to beat's run) take turns: the second finds nothing to do.
    # FOR NO KEY UPDATE does not hold up inserts of the tenant's rows (their foreign-key checks).
    lock_rows(Tenant.objects.filter(pk=tenant.pk), no_key=True)
    changed = {
        "listed_overdue": _rule_list_overdue(tenant, today),
        "removed_verified": _rule_remove_verified(tenant, today),
        "removed_no_rectification": _rule_remove_no_rectification(tenant, today),
        "moved_to_serious": _rule_move_to_serious(tenant, today),
        "obligations_fulfilled": _rule_fulfilled_after_move(tenant, today),
        "removed_deregistered": _rule_remove_deregistered(tenant, today),
    }
    notifications.credit_listed(records=changed["listed_overdue"])
    notifications.credit_removed(records=[*changed["removed_verified"], *changed["removed_no_rectification"],
                                          *changed["removed_deregistered"]])
    organization_refresh_flags(org_ids=[record.organization_id for records in changed.values() for record in records])
    counts = {key: len(records) for key, records in changed.items()}
    counts["grades_expired"], counts["grades_flagged"] = _rule_grades(tenant, today)
    return counts
