"""The daily credit rules, replayed over a sequence of dates."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from governance.exceptions import ApplicationError
from governance.models import AuditEvent
from governance.tenancy import tenant_context
from orgs import services
from orgs.models import (
    AnnualReport,
    Conclusion,
    CreditList,
    CreditReason,
    CreditRecord,
    CreditSource,
    EvaluationGrade,
    GradeStatus,
    OrgStatus,
    ReportStatus,
)
from orgs.tests.factories import (
    AnnualReportFactory,
    CreditRecordFactory,
    EvaluationGradeFactory,
    OrganizationFactory,
    audit_actions_since,
    audit_marker,
)

ZERO = {"listed_overdue": 0, "removed_verified": 0, "removed_no_rectification": 0, "moved_to_serious": 0,
        "obligations_fulfilled": 0,
        "removed_deregistered": 0, "grades_expired": 0, "grades_flagged": 0}


def credit_rows() -> list[dict]:
    return list(CreditRecord.unscoped.order_by("id").values())


def run(tenant, day: datetime.date, **expected) -> None:
    """Run the job for ``day``, check the counts, then check a second run changes nothing."""
    assert services.credit_rules_apply(tenant=tenant, today=day) == {**ZERO, **expected}
    rows, grades, marker = credit_rows(), list(EvaluationGrade.unscoped.order_by("id").values()), audit_marker()
    assert services.credit_rules_apply(tenant=tenant, today=day) == ZERO
    assert credit_rows() == rows
    assert list(EvaluationGrade.unscoped.order_by("id").values()) == grades
    assert audit_actions_since(marker) == []


def active() -> set[tuple[str, str, str]]:
    return set(CreditRecord.objects.filter(removed_on__isnull=True).values_list(
        "organization__name", "list_type", "reason"))


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def test_credit_rules_date_sequence(a, tree_a, users):
    tenant = tree_a["tenant"]
    late = OrganizationFactory(region=tree_a["community"], name="迟报协会")
    fixed = OrganizationFactory(region=tree_a["community"], name="补报协会")
    warned = OrganizationFactory(region=tree_a["community"], name="受警告协会")
    revoked = OrganizationFactory(region=tree_a["community"], name="已撤销协会", status=OrgStatus.DEREGISTERED)
    graded = OrganizationFactory(region=tree_a["community"], name="评级协会")
    dormant = OrganizationFactory(region=tree_a["community"], name="停止活动协会", status=OrgStatus.SUSPENDED)
    for organization in (late, fixed, dormant):
        AnnualReportFactory(organization=organization, year=2024, due_date=d("2025-05-31"))
    AnnualReportFactory(organization=graded, year=2024, due_date=d("2025-05-31"), status=ReportStatus.SUBMITTED)
    CreditRecordFactory(organization=warned, reason=CreditReason.WARNING_OR_SMALL_FINE, listed_on=d("2025-01-10"))
    unreachable = CreditRecordFactory(organization=warned, reason=CreditReason.UNREACHABLE,
                                      listed_on=d("2025-04-01"))
    CreditRecordFactory(organization=revoked, list_type=CreditList.SERIOUS,
                        reason=CreditReason.REGISTRATION_REVOKED, listed_on=d("2024-11-01"))
    grade = EvaluationGradeFactory(organization=graded, awarded_date=d("2020-09-15"))  # expires 2025-09-15
    start = audit_marker()

    # The due date itself: nothing is overdue yet; the deregistered organization leaves the serious list.
    run(tenant, d("2025-05-31"), removed_deregistered=1)
    assert ("已撤销协会", "serious", "registration_revoked") not in active()
    # The day after: both unfiled reports of active organizations are listed, not the suspended one's.
    run(tenant, d("2025-06-01"), listed_overdue=2)
    overdue = CreditRecord.objects.filter(reason=CreditReason.ANNUAL_REPORT_OVERDUE)
    assert set(overdue.values_list("organization__name", "source", "listed_on")) == {
        ("迟报协会", "auto", d("2025-06-01")), ("补报协会", "auto", d("2025-06-01"))}
    assert all(record.annual_report_id for record in overdue)
    # 90 days before the grade expires it is flagged, not a day earlier.
    run(tenant, d("2025-06-16"))
    run(tenant, d("2025-06-17"), grades_flagged=1)
    assert EvaluationGrade.objects.get(pk=grade.pk).expiry_flagged_on == d("2025-06-17")

    # 补报协会 files late; the report is reviewed on 1 July: removed at the next run, verified that day.
    report = AnnualReport.objects.get(organization=fixed)
    report.status = ReportStatus.REVIEWED
    report.conclusion = Conclusion.QUALIFIED
    report.reviewed_at = timezone.make_aware(datetime.datetime(2025, 7, 1, 10, 0))
    report.save()
    run(tenant, d("2025-06-30"))  # the review lies in the future of this run
    run(tenant, d("2025-07-02"), removed_verified=1)
    fixed_record = CreditRecord.objects.get(organization=fixed)
    assert (fixed_record.rectification_verified_on, fixed_record.removed_on, fixed_record.removal_reason) == (
        d("2025-07-01"), d("2025-07-02"), str(services.REMOVAL_VERIFIED))

    # The warning of 10 January would leave on 10 July, but the listing of 1 April restarted the clock.
    run(tenant, d("2025-07-10"))
    services.credit_apply_rectification(actor=users["street_a"], record=unreachable, applied_on=d("2025-07-20"))
    services.credit_verify_rectification(actor=users["street_a"], record=unreachable, verified_on=d("2025-08-01"))
    run(tenant, d("2025-07-31"))
    run(tenant, d("2025-08-01"), removed_verified=1)
    assert active() >= {("受警告协会", "abnormal", "warning_small_fine")}
    # The grade expires on its expiry date.
    run(tenant, d("2025-09-14"))
    run(tenant, d("2025-09-15"), grades_expired=1)
    assert EvaluationGrade.objects.get(pk=grade.pk).status == GradeStatus.EXPIRED
    run(tenant, d("2025-09-30"))
    run(tenant, d("2025-10-01"), removed_no_rectification=1)
    assert active() == {("迟报协会", "abnormal", "annual_report_overdue")}

    # Two full years on the abnormal list: moved to the serious list, once.
    run(tenant, d("2027-05-31"))
    run(tenant, d("2027-06-01"), moved_to_serious=1)
    assert active() == {("迟报协会", "serious", "abnormal_two_years")}
    moved = CreditRecord.objects.get(organization=late, list_type=CreditList.ABNORMAL)
    serious = CreditRecord.objects.get(organization=late, list_type=CreditList.SERIOUS)
    assert (moved.removed_on, moved.moved_to, moved.removal_reason) == (d("2027-06-01"), serious,
                                                                        str(services.REMOVAL_MOVED))
    assert (serious.source, serious.listed_on) == (CreditSource.AUTOMATIC, d("2027-06-01"))
    # The report is still unfiled, but the serious entry answers for it: no second abnormal entry.
    run(tenant, d("2027-06-02"))
    assert CreditRecord.objects.count() == 6

    # Every change of the job was audited as the system, with the organization's jurisdiction.
    events = AuditEvent.objects.filter(id__gt=start, actor__isnull=True)
    assert set(events.values_list("action", flat=True)) == {
        "credit.auto_list", "credit.auto_remove", "credit.move_to_serious", "grade.expire", "grade.flag_expiry"}
    assert events.count() == 2 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1  # listed 2, 4 removals, flag, expiry, move 2
    assert set(events.values_list("actor_repr", flat=True)) == {"system"}
    assert set(events.values_list("region_path", flat=True)) == {tree_a["community"].path}


def test_credit_rules_new_listing_restarts_the_six_months(a, tree_a):
    org = OrganizationFactory(region=tree_a["community"])
    CreditRecordFactory(organization=org, reason=CreditReason.WARNING_OR_SMALL_FINE, listed_on=d("2024-08-31"))
    run(tree_a["tenant"], d("2025-02-27"))
    run(tree_a["tenant"], d("2025-02-28"), removed_no_rectification=1)  # 31 August + 6 months
    CreditRecordFactory(organization=org, reason=CreditReason.WARNING_OR_SMALL_FINE, listed_on=d("2025-03-01"))
    CreditRecordFactory(organization=org, reason=CreditReason.WARNING_OR_SMALL_FINE, listed_on=d("2025-05-15"))
    run(tree_a["tenant"], d("2025-09-01"))  # the first of the two is held by the second listing
    run(tree_a["tenant"], d("2025-11-15"), removed_no_rectification=2)


def test_credit_rules_two_years_from_29_february_and_verified_entries_stay(a, tree_a):
    org = OrganizationFactory(region=tree_a["community"])
    other = OrganizationFactory(region=tree_a["community"])
    CreditRecordFactory(organization=org, reason=CreditReason.PARTY_ORG_NOT_SET, listed_on=d("2024-02-29"))
    CreditRecordFactory(organization=org, reason=CreditReason.UNREACHABLE, listed_on=d("2024-02-28"))
    # Rectified and verified in the future of this run: stays listed, is not moved.
    CreditRecordFactory(organization=other, reason=CreditReason.UNREACHABLE, listed_on=d("2024-01-15"),
                        rectification_applied_on=d("2026-01-01"), rectification_verified_on=d("2026-03-01"))
    run(tree_a["tenant"], d("2026-02-27"))
    run(tree_a["tenant"], d("2026-02-28"), moved_to_serious=1)
    serious = CreditRecord.objects.get(list_type=CreditList.SERIOUS)
    assert set(serious.moved_from.values_list("reason", flat=True)) == {"party_org_not_set", "unreachable"}
    assert active() == {(org.name, "serious", "abnormal_two_years"), (other.name, "abnormal", "unreachable")}
    run(tree_a["tenant"], d("2026-03-01"), removed_verified=1)


def test_credit_rules_only_in_own_tenant_scope(tree_a, tree_b):
    with tenant_context(tree_a["tenant"]):
        with pytest.raises(ApplicationError):
            services.credit_rules_apply(tenant=tree_b["tenant"], today=d("2025-06-01"))


def test_credit_rules_leave_other_tenants_alone(tree_a, tree_b):
    with tenant_context(tree_b["tenant"]):
        org_b = OrganizationFactory(region=tree_b["community"])
        AnnualReportFactory(organization=org_b, due_date=d("2025-05-31"))
    with tenant_context(tree_a["tenant"]):
        assert services.credit_rules_apply(tenant=tree_a["tenant"], today=d("2025-06-01")) == ZERO
    with tenant_context(tree_b["tenant"]):
        assert services.credit_rules_apply(tenant=tree_b["tenant"], today=d("2025-06-01"))["listed_overdue"] == 1
