"""The years behind each demo organization: annual reports, evaluation grades, credit-list entries."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from governance.models import Tenant
from orgs.demo.generators import BATCH, F, _date_between, _grade_for, _money
from orgs.models import (
    DEFAULT_GRADE_BANDS,
    AnnualReport,
    Conclusion,
    CreditList,
    CreditReason,
    CreditRecord,
    CreditSource,
    EvaluationGrade,
    GradeBand,
    GradeStatus,
    InspectionCampaign,
    Organization,
    OrgKind,
    OrgStatus,
    ReportStatus,
)


def _aware(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _ensure_ids(tenant: Tenant, organizations: list[Organization]) -> None:
    """Backends that cannot return ids from a bulk insert: read them back by name (unique per run)."""
    if all(org.pk for org in organizations):
        return
    ids = dict(Organization.objects.filter(tenant=tenant, name__in=[o.name for o in organizations])
               .values_list("name", "pk"))
    for org in organizations:
        org.pk = ids[org.name]


def _report_years(today: datetime.date) -> tuple[list[int], datetime.date]:
    """The three latest report years whose due date (31 May of the next year) has passed."""
    latest = today.year - 1 if today > datetime.date(today.year, 5, 31) else today.year - 2
    return [latest - 2, latest - 1, latest], datetime.date(latest + 1, 5, 31)


def _seed_reports(rng: random.Random, tenant: Tenant, organizations: list[Organization],
                  today: datetime.date) -> int:
    years, _latest_due = _report_years(today)
    campaigns = {}
    for year in years:
        campaign, _created = InspectionCampaign.objects.get_or_create(
            tenant=tenant, year=year, defaults={"due_date": datetime.date(year + 1, 5, 31)})
        campaigns[year] = campaign
    reports = []
    for org in organizations:
        if org.status in (OrgStatus.PENDING, OrgStatus.REJECTED, OrgStatus.DEREGISTERED) or not org.registered_date:
            continue
        scale = {OrgKind.COMMUNITY_GROUP: 30, OrgKind.ASSOCIATION: 300, OrgKind.SERVICE_INSTITUTION: 1500,
                 OrgKind.FOUNDATION: 3000}[org.kind]
        for year in years:
            if org.registered_date.year > year:
                continue
            due = campaigns[year].due_date
            latest = year == years[-1]
            roll = rng.random()
            if latest and (roll < 0.12 or org.status == OrgStatus.REVOKED):
                status = ReportStatus.OPEN  # overdue: the daily credit job lists these organizations
            elif latest and roll < 0.2:
                status = ReportStatus.SUBMITTED
            elif latest and roll < 0.24:
                status = ReportStatus.RETURNED
            else:
                status = ReportStatus.REVIEWED
            submitted = _date_between(rng, datetime.date(year + 1, 2, 1), due - datetime.timedelta(days=3))
            report = AnnualReport(tenant=tenant, organization_id=org.pk, campaign=campaigns[year], year=year,
                                  due_date=due, status=status)
            if status != ReportStatus.OPEN:
                government = _money(rng, 0, scale * 1000) if F.GOVERNMENT in org.funding_sources else Decimal(0)
                report.income_government = government
                report.income_donations = _money(rng, 0, scale * 400)
                report.income_dues = _money(rng, 0, scale * 100) if org.kind == OrgKind.ASSOCIATION else Decimal(0)
                report.income_services = _money(rng, 0, scale * 300)
                report.income_other = _money(rng, 0, scale * 20)
                total = report.total_income
                report.spending = (total * Decimal(rng.randint(70, 105)) / 100).quantize(Decimal("0.01"))
                report.net_assets = _money(rng, scale * 50, scale * 2000)
                report.activities_summary = f"{year}年开展服务活动{rng.randint(4, 80)}场，服务群众{rng.randint(50, 5000)}人次。"
                report.party_building_report = "按要求开展党建工作。" if rng.random() < 0.6 else ""
                report.submitted_at = _aware(submitted)
            if status == ReportStatus.REVIEWED:
                report.conclusion = rng.choices(
                    [Conclusion.QUALIFIED, Conclusion.BASICALLY_QUALIFIED, Conclusion.UNQUALIFIED],
                    weights=[85, 11, 4])[0]
                report.reviewed_at = _aware(min(today, submitted + datetime.timedelta(days=rng.randint(3, 40))))
            elif status == ReportStatus.RETURNED:
                report.review_note = "财务报表数据不完整，请补充后重新提交。"
            reports.append(report)
    AnnualReport.objects.bulk_create(reports, batch_size=BATCH)
    return len(reports)


def _seed_grades(rng: random.Random, tenant: Tenant, organizations: list[Organization],
                 today: datetime.date) -> int:
    configured = dict(GradeBand.objects.filter(tenant=tenant).values_list("grade", "min_score"))
    bands = configured if set(configured) == set(DEFAULT_GRADE_BANDS) else DEFAULT_GRADE_BANDS
    grades = []
    for org in organizations:
        if org.status != OrgStatus.ACTIVE or not org.registered_date or rng.random() >= 0.3:
            continue
        earliest = org.registered_date.replace(year=org.registered_date.year + 2, day=1)
        if earliest > today:
            continue
        awarded = _date_between(rng, max(earliest, today - datetime.timedelta(days=6 * 365)), today)
        score = rng.randint(550, 980)
        expires = EvaluationGrade.expiry_for(awarded)
        grades.append(EvaluationGrade(
            tenant=tenant, organization_id=org.pk, score=score, grade=_grade_for(score, bands),
            awarded_date=awarded, expires_date=expires,
            status=GradeStatus.VALID if expires > today else GradeStatus.EXPIRED,
            note=f"{awarded.year}年度社会组织等级评估",
        ))
    EvaluationGrade.objects.bulk_create(grades, batch_size=BATCH)
    return len(grades)


def _seed_credit(rng: random.Random, tenant: Tenant, organizations: list[Organization],
                 today: datetime.date) -> int:
    prefix = tenant.name[:1]
    records = []
    number = 0
    for org in organizations:
        if org.status == OrgStatus.PENDING:
            continue
        number += 1
        if org.status == OrgStatus.REVOKED:
            records.append(CreditRecord(
                tenant=tenant, organization_id=org.pk, list_type=CreditList.SERIOUS,
                reason=CreditReason.REGISTRATION_REVOKED, source=CreditSource.MANUAL,
                listed_on=_date_between(rng, today - datetime.timedelta(days=700), today),
                decision_number=f"{prefix}民撤字〔{today.year - 1}〕第{number}号", note="被撤销登记。",
            ))
            continue
        roll = rng.random()
        if roll < 0.03:
            listed = _date_between(rng, today - datetime.timedelta(days=400), today)
            removed = listed + datetime.timedelta(days=183)  # no rectification needed: 6 months after listing
            records.append(CreditRecord(
                tenant=tenant, organization_id=org.pk, list_type=CreditList.ABNORMAL,
                reason=CreditReason.WARNING_OR_SMALL_FINE, source=CreditSource.MANUAL, listed_on=listed,
                decision_number=f"{prefix}民罚决字〔{listed.year}〕第{number}号",
                note="未按规定开展活动，给予警告。",
                removed_on=removed if removed <= today else None,
                removal_reason="列入满6个月，移出活动异常名录。" if removed <= today else "",
            ))
        elif roll < 0.05:
            listed = _date_between(rng, today - datetime.timedelta(days=300), today)
            records.append(CreditRecord(
                tenant=tenant, organization_id=org.pk, list_type=CreditList.ABNORMAL,
                reason=CreditReason.UNREACHABLE, source=CreditSource.MANUAL, listed_on=listed,
                note="两次挂号信函间隔30日均无人签收，通过登记的住所无法联系。",
            ))
    CreditRecord.objects.bulk_create(records, batch_size=BATCH)
    return len(records)
