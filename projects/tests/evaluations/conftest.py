"""Fixtures of the evaluation tests: a signed one-year contract (2026) with its quarterly report schedule,
figures, ratings and expert scores chosen so that the mid-term evaluation can be computed by hand
(``test_run.py`` spells the computation out)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.models import Aggregation, ExpertScore, ProgressReport, ReportStatus
from projects.services import contracts as contract_services
from projects.services import ratings as rating_services
from projects.services import reports as report_services
from projects.tests.factories import BudgetLineFactory
from projects.tests.tenders.conftest import World

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
MIDTERM_RUN = datetime.date(2026, 10, 11)  # the day after the mid-term report's due date (10 October)


def at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def world(tree_a, tree_b, users, in_tenant):
    made = World(tree_a, tree_b, users, in_tenant)
    with in_tenant(made.tenant):
        yield made


def signed_contract(world):
    """Budget lines activities 40,000 and management 6,000; indicators 服务人次 (target 500, weight 60,
    cumulative) and 满意度 (target 90 %, weight 40, per period)."""
    BudgetLineFactory(application=world.application, category="activities", amount=Decimal("40000"))
    BudgetLineFactory(application=world.application, category="management", amount=Decimal("6000"))
    tender, bids, award = world.awarded()
    world.past_standstill(award)
    contract = world.contract(award, start=START, end=END)
    contract_services.contract_sign(actor=world.street, contract=contract)
    contract.indicators.filter(unit="%").update(aggregation=Aggregation.PER_PERIOD)
    report_services.report_schedule_generate(actor=world.street, contract=contract)
    return contract


def fill(world, report, *, people, num, den, spent=(), submitted_on, approve=True):
    output, share = report.contract.indicators.order_by("position", "id")
    lines = {line.category: line.pk for line in report.contract.application.budget_lines.all()}
    report_services.report_save(
        actor=world.bidder, report=report, activities_held=3, beneficiaries_reached=50,
        actuals=[{"indicator": output.pk, "value": people}, {"indicator": share.pk, "numerator": num, "denominator": den}],
        expenditures=[{"budget_line": lines[category], "amount": amount} for category, amount in spent])
    report_services.report_submit(actor=world.bidder, report=report)
    if approve:
        report_services.report_approve(actor=world.street, report=report)
    ProgressReport.objects.filter(pk=report.pk).update(submitted_at=at(submitted_on))


def rate(world, contract, answers_by_day):
    survey = rating_services.survey_open(actor=world.street, contract=contract)
    rating_services.survey_update(actor=world.street, survey=survey, is_open=True, allow_open_answers=True,
                                  questions=["服务态度", "总体满意度"])
    first, second = survey.questions.order_by("position", "id")
    for day, (a, b) in answers_by_day:
        rating_services.paper_response_enter(actor=world.street, survey=survey, rated_on=day,
                                             answers={first.pk: a, second.pk: b})
    return survey


@pytest.fixture
def contract(world):
    return midterm_contract(world)


def midterm_contract(world):
    """Q1 approved (120 people, 45/50 = 90 %, spent 10,000 + 1,000 management, submitted on time), Q2 approved
    (130, 40/50 = 80 %, 12,000 + 2,000, submitted late), Q3 — the mid-term report — submitted on time but not
    approved (200, 50/50, 30,000: must not count). Ratings: two paper surveys in May (5+4, 3+4 stars), one in
    November (5+5: after the mid-term). Experts: 85 and 90 for the mid-term."""
    contract = signed_contract(world)
    q1, q2, q3, _q4 = contract.progress_reports.order_by("sequence")
    fill(world, q1, people="120", num="45", den="50", spent=[("activities", "10000"), ("management", "1000")],
         submitted_on=datetime.date(2026, 4, 8))
    fill(world, q2, people="130", num="40", den="50", spent=[("activities", "12000"), ("management", "2000")],
         submitted_on=datetime.date(2026, 7, 15))
    fill(world, q3, people="200", num="50", den="50", spent=[("activities", "30000")],
         submitted_on=datetime.date(2026, 10, 9), approve=False)
    rate(world, contract, [(datetime.date(2026, 5, 1), (5, 4)), (datetime.date(2026, 5, 2), (3, 4)),
                           (datetime.date(2026, 11, 1), (5, 5))])
    for assessor, score in (("李专家", "85"), ("第三方评估机构", "90")):
        ExpertScore.objects.create(tenant=world.tenant, contract=contract, kind="midterm", assessor=assessor,
                                   score=Decimal(score), third_party=assessor.startswith("第三方"))
    assert q3.kind == "midterm" and ProgressReport.objects.get(pk=q3.pk).status == ReportStatus.SUBMITTED
    return contract
