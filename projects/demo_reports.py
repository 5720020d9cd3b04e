"""Demo progress reports and evaluations (``manage.py seed_demo``), after the contracts
(``projects.demo_tenders``) and the ratings (``projects.demo_ratings``).

For every signed demo contract, each report whose period has ended is filled in by the organization's demo
user (``<prefix>_bidder``) with figures around the indicator's share of the target and spending against the
budget lines, submitted near its due date (about one in five late), and approved by the street's clerk; one
report per tenant is returned with a comment (the portal shows the banner, the organization's 待办 lists it)
and the newest due one waits for review (the street's 待办). Contracts get expert and third-party scores for
their mid-term and final evaluations, then the evaluation run computes them. Everything goes through the
services (audited); the dates of submission and review are moved to the reporting period afterwards, as the
ratings seeder does. Idempotent: a report that is no longer a draft is left alone, and the evaluation run is
itself idempotent.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from governance.models import User
from projects.demo import each_demo_tenant
from projects.models import (
    Contract,
    ContractStatus,
    ExpertScore,
    ProgressReport,
    ReportStatus,
)
from projects.services import evaluations as evaluation_services
from projects.services import reports as services

MAX_CONTRACTS = 40
RETURN_NOTE = "服务人次与签到表不一致，请核对后补充签到表照片再提交。"
SUMMARIES = ["本期按计划开展上门探访与小组活动，服务对象反馈良好。", "完成季度活动计划，新增志愿者 6 名。",
             "受天气影响两次户外活动改期，已在月底补齐。", "开展健康讲座与助餐服务，困难老人全覆盖。"]


def _moment(day: datetime.date, hour: int):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _figures(rng: random.Random, report: ProgressReport, indicators, lines, quality: float) -> tuple[list, list]:
    """Actuals (a period's share of each target, scaled by the organization's ``quality``) and expenditure."""
    contract = report.contract
    days = (contract.end_date - contract.start_date).days + 1
    share = Decimal((report.period_end - report.period_start).days + 1) / Decimal(days)
    actuals = []
    for indicator in indicators:
        if services.is_percentage(indicator):
            denominator = rng.randint(30, 60)
            numerator = min(denominator, round(denominator * min(1.0, quality * rng.uniform(0.85, 1.05))))
            actuals.append({"indicator": indicator.pk, "numerator": numerator, "denominator": denominator})
        else:
            value = (indicator.target * share * Decimal(str(round(quality * rng.uniform(0.8, 1.2), 2))))
            actuals.append({"indicator": indicator.pk, "value": str(value.quantize(Decimal("1")))})
    expenditures = [{"budget_line": line.pk, "amount": str((line.amount * share * Decimal(
        str(round(rng.uniform(0.7, 1.1), 2)))).quantize(Decimal("1")))} for line in lines if line.amount > 0]
    return actuals, expenditures


def seed_tenant(*, tenant, prefix: str, seed: int = 2026) -> int:
    rng = random.Random(seed)
    clerk = User.objects.filter(username=f"{prefix}_street").first()
    bidder = User.objects.filter(username=f"{prefix}_bidder").first()
    if clerk is None or bidder is None:
        return 0
    today = timezone.localdate()
    contracts = list(Contract.objects.filter(status__in=[ContractStatus.ACTIVE, ContractStatus.TERMINATED])
                     .select_related("organization", "application").order_by("start_date", "pk")[:MAX_CONTRACTS])
    submitted_reports = []
    for contract in contracts:
        if contract.status == ContractStatus.ACTIVE:
            services.report_schedule_generate(actor=clerk, contract=contract)
        quality = rng.choice((0.75, 0.9, 1.0, 1.05))
        indicators = list(contract.indicators.order_by("position", "id"))
        lines = list(contract.application.budget_lines.order_by("id"))
        due = [r for r in contract.progress_reports.order_by("sequence").select_related("contract")
               if r.period_end < today and r.status == ReportStatus.DRAFT]
        for report in due:
            actuals, expenditures = _figures(rng, report, indicators, lines, quality)
            services.report_save(actor=bidder, report=report, activities_held=rng.randint(2, 9),
                                 beneficiaries_reached=rng.randint(30, 160), summary=rng.choice(SUMMARIES),
                                 actuals=actuals, expenditures=expenditures)
            services.report_submit(actor=bidder, report=report)
            submitted_reports.append(report)
    # The newest report waits for the street's review, the one before it is returned; the rest are approved.
    submitted_reports.sort(key=lambda r: (r.due_date, r.pk))
    for position, report in enumerate(reversed(submitted_reports)):
        late = rng.random() < 0.2
        submitted = min(today, report.due_date + datetime.timedelta(days=rng.randint(1, 9)) if late
                        else report.due_date - datetime.timedelta(days=rng.randint(0, 6)))
        reviewed = min(today, submitted + datetime.timedelta(days=rng.randint(1, 4)))
        if position == 1:
            services.report_return(actor=clerk, report=report, note=RETURN_NOTE)
        elif position > 1:
            services.report_approve(actor=clerk, report=report)
        ProgressReport.objects.filter(pk=report.pk).update(
            submitted_at=_moment(submitted, 15), overdue=late,
            reviewed_at=_moment(reviewed, 10) if position else None)
    for contract in contracts:
        for report in contract.progress_reports.filter(kind__in=["midterm", "final"], status=ReportStatus.APPROVED):
            for assessor, third_party in (("评审专家组", False), ("第三方评估机构", True)):
                if not ExpertScore.objects.filter(contract=contract, kind=report.kind, assessor=assessor).exists():
                    evaluation_services.expert_score_save(actor=clerk, contract=contract, kind=report.kind,
                                                          assessor=assessor, third_party=third_party,
                                                          score=Decimal(rng.randint(72, 95)))
    evaluation_services.evaluations_run(tenant=tenant, today=today)
    return len(submitted_reports)


def seed_reports(*, scale: int | None = None, stdout=None) -> None:
    each_demo_tenant(seed_tenant, stdout=stdout, what="progress reports filled in")
