"""Benchmark of the evaluation run and the renewal scan (issue 10 acceptance: ≤30 s and ≤10 s at 20,000 contracts).

    .venv/bin/python bench/bench_eval.py [--contracts 20000] [--renewals 4000]

Uses a throwaway SQLite file under /tmp, or DATABASE_URL if set (point it at a scratch database: the script
migrates it and adds a tenant bench-<tag>; on PostgreSQL run it as the application role gov_app, so row-level
security applies as in production). DEBUG is off, as in a worker.

Seeding (set-based: ``bulk_create`` in batches, never a row at a time; untimed): Hengyang's districts and
streets, 500 organizations, 200 approved applications (two indicators and two budget lines each) and
``--contracts`` signed one-year contracts for 2026 (``--renewals`` of them renewing a 2025 contract), each with
two contract indicators, three payment tranches, the quarterly report schedule (Q1 and Q2 approved, Q3 the
mid-term report approved, Q4 the final report submitted on time and approved), two indicator actuals and two
expenditure lines per report, a rating survey with two questions and five paper responses (two answers each)
and two expert scores for each evaluation. Then it times:

* ``projects.services.evaluations.evaluations_run`` on 15 January 2027 (mid-term and final evaluations of every
  contract: 2 × contracts results), then a second run (nothing changes: the idempotent rerun);
* ``projects.services.renewals.renewals_scan`` on 1 December 2026 (every contract ends on 31 December 2026,
  within the 60-day window: one review each, with its final evaluation, the renewal chain and the
  organization's credit), then a second scan (nothing created, nothing updated).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import pstats
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_import  # noqa: E402 - sets up Django on a throwaway database (see its docstring)
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from governance.models import Region, RegionLevel  # noqa: E402
from governance.tenancy import tenant_context  # noqa: E402
from orgs.models import Organization  # noqa: E402
from projects.models import (  # noqa: E402
    Application,
    ApplicationStatus,
    BudgetLine,
    Contract,
    ContractIndicator,
    ContractStatus,
    Evaluation,
    ExpertScore,
    FundingProgram,
    Indicator,
    IndicatorActual,
    PaymentTranche,
    ProgramKind,
    ProgramStatus,
    ProgressReport,
    RatingAnswer,
    RatingQuestion,
    RatingResponse,
    RatingSurvey,
    RenewalReview,
    ReportExpenditure,
)
from projects.services.evaluations import evaluations_run  # noqa: E402
from projects.services.renewals import renewals_scan  # noqa: E402

BATCH = 5000
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
QUARTERS = [(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)), (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
            (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)), (datetime.date(2026, 10, 1), END)]
KINDS = ["periodic", "periodic", "midterm", "final"]
EVALUATION_DAY, SCAN_DAY = datetime.date(2027, 1, 15), datetime.date(2026, 12, 1)


def _bulk(model, rows):
    model.objects.bulk_create(rows, batch_size=BATCH)
    return rows


def seed(tenant, *, contracts: int, renewals: int, tag: str) -> dict:
    counts = {}
    street = Region.objects.filter(level=RegionLevel.STREET).order_by("code").first()
    communities = list(Region.objects.filter(level=RegionLevel.COMMUNITY).order_by("code"))
    user = bench_import.services.user_create(actor=None, tenant=tenant, username=f"bench_eval_{tag}".lower(),
                                             password="Bench-Passw0rd!", display_name="录入员")
    orgs = _bulk(Organization, [Organization(
        tenant=tenant, region=communities[i % len(communities)], name=f"衡阳市阳光社会工作服务中心{tag}{i:04d}",
        name_pinyin=f"hengyang{i:04d}", kind="service_institution", legal_representative="张三",
        registered_date=datetime.date(2020, 1, 1), on_abnormal_list=(i % 50 == 0)) for i in range(500)])
    program = FundingProgram.objects.create(
        tenant=tenant, region=street, name=f"2026年政府购买服务{tag}", kind=ProgramKind.GOVERNMENT_PURCHASE, year=2026,
        status=ProgramStatus.OPEN, budget_pool=Decimal("100000000"), cap_per_application=Decimal("100000"),
        application_opens=datetime.date(2025, 9, 1), application_closes=datetime.date(2025, 10, 31),
        review_opens=datetime.date(2025, 11, 1), review_closes=datetime.date(2025, 11, 30))
    apps = _bulk(Application, [Application(
        tenant=tenant, program=program, region=communities[i % len(communities)], number=f"SQ{tag}-{i:05d}",
        title=f"居家养老服务项目{i}", need_statement="独居老人上门探访与助餐。", target_groups="独居老人",
        beneficiaries=120, status=ApplicationStatus.APPROVED, approved_amount=Decimal("80000")) for i in range(200)])
    indicators = _bulk(Indicator, [row for app in apps for row in (
        Indicator(tenant=tenant, application=app, position=1, name="服务人次", kind="output", unit="人次",
                  baseline=Decimal(0), target=Decimal(500), weight=Decimal(60), aggregation="cumulative"),
        Indicator(tenant=tenant, application=app, position=2, name="满意度", kind="satisfaction", unit="%",
                  baseline=Decimal(0), target=Decimal(90), weight=Decimal(40), aggregation="per_period"))])
    by_app = {app.pk: (indicators[2 * i], indicators[2 * i + 1]) for i, app in enumerate(apps)}
    lines = _bulk(BudgetLine, [row for app in apps for row in (
        BudgetLine(tenant=tenant, application=app, category="activities", amount=Decimal(60000), rationale="活动"),
        BudgetLine(tenant=tenant, application=app, category="management", amount=Decimal(8000), rationale="管理"))])
    lines_by_app = {app.pk: (lines[2 * i], lines[2 * i + 1]) for i, app in enumerate(apps)}

    def contract(i, *, start, end, status, prior=None, suffix=""):
        app = apps[i % len(apps)]
        return Contract(tenant=tenant, application=app, region=street, buyer_name="街道办事处",
                        organization=orgs[i % len(orgs)], number=f"HT{tag}-{i:06d}{suffix}", title=app.title,
                        amount=Decimal("75000"), start_date=start, end_date=end, status=status, signed_on=start,
                        prior_contract=prior)

    priors = _bulk(Contract, [contract(i, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31),
                                       status=ContractStatus.TERMINATED, suffix="P") for i in range(renewals)])
    current = _bulk(Contract, [contract(i, start=START, end=END, status=ContractStatus.ACTIVE,
                                        prior=priors[i] if i < renewals else None) for i in range(contracts)])
    counts["contracts"] = len(priors) + len(current)
    cind = _bulk(ContractIndicator, [
        ContractIndicator(tenant=tenant, contract=c, source=src, **{f: getattr(src, f) for f in (
            "position", "name", "kind", "unit", "baseline", "target", "weight", "aggregation")})
        for c in current for src in by_app[c.application_id]])
    _bulk(PaymentTranche, [PaymentTranche(tenant=tenant, contract=c, sequence=s, percentage=p, trigger=t)
                           for c in current for s, p, t in ((1, Decimal(30), "signing"),
                                                             (2, Decimal(40), "midterm_acceptance"),
                                                             (3, Decimal(30), "final_acceptance"))])
    reports = _bulk(ProgressReport, [
        ProgressReport(tenant=tenant, contract=c, sequence=q + 1, kind=KINDS[q], period_start=QUARTERS[q][0],
                       period_end=QUARTERS[q][1], due_date=QUARTERS[q][1] + datetime.timedelta(days=10),
                       status="approved", activities_held=3, beneficiaries_reached=40 + q,
                       submitted_at=timezone.make_aware(datetime.datetime.combine(
                           QUARTERS[q][1] + datetime.timedelta(days=5 + (c.pk + q) % 10), datetime.time(10))),
                       submitted_by=user, reviewed_by=user, reviewed_at=timezone.now())
        for c in current for q in range(4)])
    counts["reports"] = len(reports)
    by_contract = {c.pk: (cind[2 * i], cind[2 * i + 1]) for i, c in enumerate(current)}
    actuals = []
    expenditures = []
    for r in reports:
        people, share = by_contract[r.contract_id]
        n = r.contract_id % 40
        actuals.append(IndicatorActual(tenant=tenant, report=r, indicator=people, value=Decimal(100 + n)))
        actuals.append(IndicatorActual(tenant=tenant, report=r, indicator=share, numerator=Decimal(40 + n % 10),
                                       denominator=Decimal(50)))
        activities, management = lines_by_app[r.contract.application_id]
        expenditures.append(ReportExpenditure(tenant=tenant, report=r, budget_line=activities,
                                              amount=Decimal(14000 + 50 * n)))
        expenditures.append(ReportExpenditure(tenant=tenant, report=r, budget_line=management,
                                              amount=Decimal(1500 + 20 * n)))
    counts["actuals"] = len(_bulk(IndicatorActual, actuals))
    counts["expenditures"] = len(_bulk(ReportExpenditure, expenditures))
    surveys = _bulk(RatingSurvey, [RatingSurvey(tenant=tenant, contract=c, code=f"{tag}{i:06d}"[-8:], created_by=user)
                                   for i, c in enumerate(current)])
    questions = _bulk(RatingQuestion, [RatingQuestion(tenant=tenant, survey=s, text=text, position=p)
                                       for s in surveys for p, text in enumerate(("服务态度", "总体满意度"))])
    responses = _bulk(RatingResponse, [
        RatingResponse(tenant=tenant, survey=s, channel="paper", rated_on=datetime.date(2026, 2 + 2 * k, 15),
                       entered_by=user) for s in surveys for k in range(5)])
    counts["ratings"] = len(responses)
    counts["answers"] = len(_bulk(RatingAnswer, [
        RatingAnswer(tenant=tenant, response=resp, question=questions[2 * (i // 5) + j], stars=3 + (i + j) % 3)
        for i, resp in enumerate(responses) for j in range(2)]))
    counts["expert_scores"] = len(_bulk(ExpertScore, [
        ExpertScore(tenant=tenant, contract=c, kind=kind, assessor=name, score=Decimal(80 + (c.pk + k) % 15),
                    third_party=k == 1)
        for c in current for kind in ("midterm", "final") for k, name in enumerate(("李专家", "第三方评估机构"))]))
    return counts


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _in_transaction(func, profile: bool):
    def run():
        with transaction.atomic():  # one tenant transaction, as the Celery task runs (set_config per transaction)
            return func()

    if not profile:
        return run()
    profiler = cProfile.Profile()  # the commit and its on-commit callbacks included
    result = profiler.runcall(run)
    pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(25)
    return result


def timed(label: str, func, *, profile: bool = False):
    """Wall and CPU seconds (``time.process_time`` of this process: the database server's time is not in it)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = _in_transaction(func, profile)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"  {label:<26} {seconds:8.2f} s wall {cpu:8.2f} s CPU  load {_load()}  {result}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=20_000)
    parser.add_argument("--renewals", type=int, default=4_000)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions of every step")
    args = parser.parse_args()
    print(f"load average before: {_load()}")
    call_command("migrate", verbosity=0)
    tag = bench_import._serial(int(time.time()) % 28_629_151)[-3:]
    tenant, _admin, _codes = bench_import.setup_tenant(tag)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}, user "
          f"{connection.settings_dict.get('USER') or '-'}), tenant {tenant.slug}")
    with tenant_context(tenant):
        started = time.perf_counter()
        with transaction.atomic():
            counts = seed(tenant, contracts=args.contracts, renewals=min(args.renewals, args.contracts), tag=tag)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh bulk-loaded tables have no planner statistics yet
                cursor.execute("ANALYZE")
        print(f"seeded in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        profile = args.profile
        run = timed("evaluations_run (first)", lambda: evaluations_run(tenant=tenant, today=EVALUATION_DAY),
                    profile=profile)
        timed("evaluations_run (rerun)", lambda: evaluations_run(tenant=tenant, today=EVALUATION_DAY), profile=profile)
        scan = timed("renewals_scan (first)", lambda: renewals_scan(tenant=tenant, today=SCAN_DAY), profile=profile)
        timed("renewals_scan (rerun)", lambda: renewals_scan(tenant=tenant, today=SCAN_DAY), profile=profile)
        recommendations = {}
        for value in RenewalReview.objects.values_list("recommendation", flat=True):
            recommendations[value] = recommendations.get(value, 0) + 1
        print(f"evaluations: {Evaluation.objects.count():,}; renewal reviews: {sum(recommendations.values()):,} "
              f"{dict(sorted(recommendations.items()))}")
        print(f"targets: evaluation ≤ 30 s: {'met' if run <= 30 else 'MISSED'} ({run:.1f} s); "
              f"renewal scan ≤ 10 s: {'met' if scan <= 10 else 'MISSED'} ({scan:.1f} s)")
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
