"""Issue 10's year, day by day on a test clock (time-machine): a contract signed in December 2026 runs through
2027. The first quarterly report is returned, corrected and approved; residents rate the service; tranches are
released only when their milestone is accepted; the daily report run marks a late report and reminds; the beat
fan-out computes the mid-term and the final evaluation, both are published onto the organization's record, and
the renewal scan recommends re-tendering before the final evaluation and renewing after it; staff renew. Every
figure below is computed by hand in the comments."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from governance.exceptions import ApplicationError
from governance.models import Notification
from governance.tasks import for_each_tenant
from orgs.models import Organization, PerformanceRecord
from projects.models import (
    Evaluation,
    ExpertScore,
    PaymentTranche,
    ProgressReport,
    RenewalReview,
    ReportStatus,
    TranchePayment,
)
from projects.services import contracts as contract_services
from projects.services import evaluations as evaluation_services
from projects.services import renewals as renewal_services
from projects.services import reports as report_services
from projects.tests.factories import BudgetLineFactory

from .conftest import rate

pytestmark = pytest.mark.django_db
START, END = datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)  # after the fixtures' grades (today − 300 days)


def on(day: datetime.date):
    """The clock at 10:00 Beijing time on ``day`` (services read timezone.now() and localdate())."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    return time_machine.travel(moment, tick=False)


def save(world, report, *, people, num, den, spent=()):
    output, share = report.contract.indicators.order_by("position", "id")
    lines = {line.category: line.pk for line in report.contract.application.budget_lines.all()}
    report_services.report_save(
        actor=world.bidder, report=report, activities_held=3, beneficiaries_reached=50,
        actuals=[{"indicator": output.pk, "value": people},
                 {"indicator": share.pk, "numerator": num, "denominator": den}],
        expenditures=[{"budget_line": lines[category], "amount": amount} for category, amount in spent])


def submit(world, report, **figures):
    save(world, report, **figures)
    report_services.report_submit(actor=world.bidder, report=report)


def release(world, contract, sequence):
    tranche = PaymentTranche.objects.get(contract=contract, sequence=sequence)
    return report_services.tranche_release(actor=world.street, tranche=tranche)


def test_a_year_of_one_contract_gives_the_hand_computed_evaluations(world, django_capture_on_commit_callbacks):
    from projects.models import Aggregation

    # December 2026: budget lines (activities 40,000, management 6,000), tender, award at 70,000, contract for
    # 2027 with tranches 30 % at signing, 40 % at mid-term acceptance, 30 % at final acceptance; signed.
    with on(datetime.date(2026, 12, 1)):
        BudgetLineFactory(application=world.application, category="activities", amount=Decimal("40000"))
        BudgetLineFactory(application=world.application, category="management", amount=Decimal("6000"))
        _tender, _bids, award = world.awarded()
    with on(datetime.date(2026, 12, 20)):
        world.past_standstill(award)
        contract = world.contract(award, start=START, end=END)
        contract_services.contract_sign(actor=world.street, contract=contract)
        contract.indicators.filter(unit="%").update(aggregation=Aggregation.PER_PERIOD)
        report_services.report_schedule_generate(actor=world.street, contract=contract)
        assert release(world, contract, 1).amount == Decimal("21000.00")  # 30 % of 70,000 at signing
    q1, q2, q3, q4 = contract.progress_reports.order_by("sequence")
    assert [(r.kind, r.due_date) for r in (q1, q2, q3, q4)] == [
        ("periodic", datetime.date(2027, 4, 10)), ("periodic", datetime.date(2027, 7, 10)),
        ("midterm", datetime.date(2027, 10, 10)), ("final", datetime.date(2028, 1, 10))]

    # Q1: submitted on 8 April with 120 people served, returned on 9 April (the sign-in sheets are missing), the
    # organization is told why, corrects the figure to 110 and submits again on 10 April (the due date: on time).
    with on(datetime.date(2027, 4, 8)):
        submit(world, q1, people="120", num="45", den="50", spent=[("activities", "10000"), ("management", "1000")])
    with on(datetime.date(2027, 4, 9)), django_capture_on_commit_callbacks(execute=True):
        report_services.report_return(actor=world.street, report=q1, note="缺少服务签到表，请补充后重新提交")
    told = Notification.objects.filter(recipient=world.bidder, body__contains="缺少服务签到表")
    assert told.count() == 1
    with on(datetime.date(2027, 4, 10)):
        submit(world, q1, people="110", num="45", den="50", spent=[("activities", "10000"), ("management", "1000")])
    with on(datetime.date(2027, 4, 11)):
        report_services.report_approve(actor=world.street, report=q1)

    # Residents rate in May (two paper surveys: 5+4 and 3+4 stars) and in November (5+5).
    with on(datetime.date(2027, 5, 3)):
        survey = rate(world, contract, [(datetime.date(2027, 5, 1), (5, 4)), (datetime.date(2027, 5, 2), (3, 4))])

    # Q2 is not in by its due date (10 July): the daily run of 12 July marks it overdue and reminds once.
    with on(datetime.date(2027, 7, 12)):
        first = report_services.reports_daily(tenant=world.tenant)
        again = report_services.reports_daily(tenant=world.tenant)
    assert first["overdue"] == 1 and again == {"scheduled": 0, "overdue": 0, "reminded_before": 0,
                                                "reminded_after": 0}
    assert ProgressReport.objects.get(pk=q2.pk).overdue is True
    with on(datetime.date(2027, 7, 15)):
        submit(world, q2, people="130", num="40", den="50", spent=[("activities", "12000"), ("management", "2000")])
    with on(datetime.date(2027, 7, 16)):
        report_services.report_approve(actor=world.street, report=q2)

    # The mid-term tranche waits for the mid-term report: refused before its approval, released after.
    with on(datetime.date(2027, 10, 9)):
        submit(world, q3, people="200", num="50", den="50", spent=[("activities", "20000")])
        with pytest.raises(ApplicationError) as refused:
            release(world, contract, 2)
        assert "3" in str(refused.value)  # names the mid-term report (the third) it waits for
        assert not TranchePayment.objects.filter(tranche__sequence=2).exists()
    with on(datetime.date(2027, 10, 10)):
        report_services.report_approve(actor=world.street, report=q3)
        for assessor, score in (("李专家", "85"), ("第三方评估机构", "90")):
            ExpertScore.objects.create(tenant=world.tenant, contract=contract, kind="midterm", assessor=assessor,
                                       score=Decimal(score), third_party=assessor.startswith("第三方"))
        assert release(world, contract, 2).amount == Decimal("28000.00")

    # 11 October: beat's fan-out runs the evaluation of every tenant (Celery eager in tests).
    with on(datetime.date(2027, 10, 11)):
        assert for_each_tenant("projects.evaluations_run") >= 1
    midterm = Evaluation.objects.get(contract=contract, kind="midterm")
    parts = midterm.breakdown
    # 服务人次, cumulative: 110 + 130 + 200 = 440 approved against 500 × 273/365 days = 373.97 → capped at 100 %.
    # 满意度, per period: 45/50 = 90 → 100 %, 40/50 = 80 → 88.89 %, 50/50 = 100 → 100 %; mean 96.30 %.
    assert [(i["actual"], i["target"], i["completion"]) for i in parts["indicators"]["indicators"]] == [
        ("440.00", "373.97", "100.00"), ("90.00", "90.00", "96.30")]
    # Weighted 60/40: 100 × 0.6 + 96.30 × 0.4 = 98.52.
    assert parts["indicators"]["score"] == "98.52"
    # Satisfaction through 30 September: (5+4+3+4) stars / 4 answers = 4.00 → 80.00, from 2 surveys.
    assert (parts["satisfaction"]["score"], parts["satisfaction"]["responses"]) == ("80.00", 2)
    # Spending: activities 10,000 + 12,000 + 20,000 = 42,000 against a 40,000 line (2,000 above it), management
    # 3,000; 45,000 spent: 100 × (1 − 2,000/45,000) = 95.56; management share 6.67 % is within the 10 % limit.
    assert (parts["spending"]["score"], parts["spending"]["over_budget"], parts["spending"]["overhead_share"]) == (
        "95.56", "2000.00", "6.67")
    # Timeliness: Q1 (resubmitted 10 April ≤ 10 April) and Q3 (9 October) on time, Q2 (15 July) late → 66.67.
    assert parts["timeliness"]["score"] == "66.67"
    # Experts: (85 + 90) / 2 = 87.50.
    assert parts["experts"]["score"] == "87.50"
    # 98.52 × 25 % + 80 × 30 % + 95.56 × 15 % + 66.67 × 10 % + 87.50 × 20 %
    #   = 24.63 + 24 + 14.334 + 6.667 + 17.5 = 87.131 → 87.13, 良好.
    assert (midterm.score, midterm.band) == (Decimal("87.13"), "good")
    # The street publishes it: frozen, and on the organization's record (performance history, satisfaction).
    with on(datetime.date(2027, 10, 12)), django_capture_on_commit_callbacks(execute=True):
        evaluation_services.evaluation_publish(actor=world.street, evaluation=midterm)
    organization = Organization.objects.get(pk=contract.organization_id)
    assert [(r.kind, r.score, r.band) for r in PerformanceRecord.objects.filter(organization=organization)] == [
        ("midterm", Decimal("87.13"), "good")]
    assert (organization.satisfaction_mean, organization.satisfaction_ratings) == (Decimal("80.00"), 2)

    # November's ratings; the final report on 5 January 2028 (150 people, 46/50, 8,000 for activities); a
    # third-party final assessment of 92; the run of 11 January computes the final evaluation.
    # 15 November: the contract ends within the renewal window (60 days); beat's scan opens its renewal review.
    # No final evaluation yet: re-tender, for that reason (the 3-year cap and the organization's record pass).
    with on(datetime.date(2027, 11, 15)):
        for_each_tenant("projects.renewals_scan")
        for_each_tenant("projects.renewals_scan")  # idempotent
    review = RenewalReview.objects.get(contract=contract)
    assert review.status == "pending" and review.recommendation == "retender"
    assert {r["code"]: r["ok"] for r in review.reasons} == {
        "no_final_evaluation": False, "term_cap": True, "credit": True, "organization_status": True}
    with on(datetime.date(2027, 11, 2)):
        from projects.services import ratings as rating_services

        first_question, second_question = survey.questions.order_by("position", "id")
        rating_services.paper_response_enter(actor=world.street, survey=survey, rated_on=datetime.date(2027, 11, 1),
                                             answers={first_question.pk: 5, second_question.pk: 5})
    with on(datetime.date(2028, 1, 5)):
        submit(world, q4, people="150", num="46", den="50", spent=[("activities", "8000")])
    with on(datetime.date(2028, 1, 6)):
        report_services.report_approve(actor=world.street, report=q4)
        ExpertScore.objects.create(tenant=world.tenant, contract=contract, kind="final", assessor="第三方评估机构",
                                   score=Decimal("92"), third_party=True)
        assert release(world, contract, 3).amount == Decimal("21000.00")
    with on(datetime.date(2028, 1, 11)):
        for_each_tenant("projects.evaluations_run")
        for_each_tenant("projects.evaluations_run")  # a second beat run changes nothing
    final = Evaluation.objects.get(contract=contract, kind="final")
    parts = final.breakdown
    # 服务人次: 440 + 150 = 590 ≥ 500 → 100 %. 满意度: 100, 88.89, 100 and 46/50 = 92 → 100: mean 97.22 %.
    assert [(i["actual"], i["target"], i["completion"]) for i in parts["indicators"]["indicators"]] == [
        ("590.00", "500.00", "100.00"), ("90.50", "90.00", "97.22")]
    # 100 × 0.6 + 97.22 × 0.4 = 98.888 → 98.89.
    assert parts["indicators"]["score"] == "98.89"
    # Satisfaction: (16 + 10) stars / 6 answers = 4.333 → 86.67, from 3 surveys.
    assert (parts["satisfaction"]["score"], parts["satisfaction"]["responses"]) == ("86.67", 3)
    # Spending: activities 50,000 (10,000 above the line), management 3,000, 53,000 spent:
    # 100 × (1 − 10,000/53,000) = 81.13; management share 5.66 %.
    assert (parts["spending"]["score"], parts["spending"]["overhead_share"]) == ("81.13", "5.66")
    # Timeliness: Q1, Q3, Q4 on time, Q2 late → 3/4 = 75.00. Experts: 92.00.
    assert (parts["timeliness"]["score"], parts["experts"]["score"]) == ("75.00", "92.00")
    # 98.89 × 25 % + 86.67 × 30 % + 81.13 × 15 % + 75 × 10 % + 92 × 20 %
    #   = 24.7225 + 26.001 + 12.1695 + 7.5 + 18.4 = 88.793 → 88.79, 良好.
    assert (final.score, final.band) == (Decimal("88.79"), "good")
    assert Evaluation.objects.filter(contract=contract).count() == 2
    assert Evaluation.objects.get(pk=midterm.pk).input_hash == midterm.input_hash  # published: untouched by the run
    with on(datetime.date(2028, 1, 12)), django_capture_on_commit_callbacks(execute=True):
        evaluation_services.evaluation_publish(actor=world.street, evaluation=final)
    organization.refresh_from_db()
    # The final evaluation's ratings include the mid-term's: the organization's satisfaction is the final's 86.67
    # over its 3 ratings, not a mean of both records.
    assert PerformanceRecord.objects.filter(organization=organization).count() == 2
    assert (organization.satisfaction_mean, organization.satisfaction_ratings) == (Decimal("86.67"), 3)

    # The next daily scan sees the final evaluation (良好): renew. Staff renew; the next contract follows on,
    # linked to this one, with the task book and the tranches copied.
    with on(datetime.date(2028, 1, 13)):
        for_each_tenant("projects.renewals_scan")
        review.refresh_from_db()
        assert review.recommendation == "renew" and review.evaluation_id == final.pk
        assert {r["code"]: r["ok"] for r in review.reasons} == {
            "band": True, "term_cap": True, "credit": True, "organization_status": True}
        with django_capture_on_commit_callbacks(execute=True):
            renewal_services.renewal_decide(actor=world.street, review=review, decision="renewed")
    review.refresh_from_db()
    following = review.next_contract
    assert (following.prior_contract_id, following.start_date, following.end_date, following.amount) == (
        contract.pk, datetime.date(2028, 1, 1), datetime.date(2028, 12, 31), contract.amount)
    assert [(i.name, i.target, i.weight) for i in following.indicators.order_by("position", "id")] == [
        (i.name, i.target, i.weight) for i in contract.indicators.order_by("position", "id")]
    assert [(t.sequence, t.percentage, t.trigger) for t in following.tranches.order_by("sequence")] == [
        (t.sequence, t.percentage, t.trigger) for t in contract.tranches.order_by("sequence")]
    assert Notification.objects.filter(recipient=world.bidder, object_id=str(review.pk)).exists()

    # Money: three payments, 21,000 + 28,000 + 21,000 = the contract's 70,000.
    payments = TranchePayment.objects.filter(contract=contract).order_by("date")
    assert [(p.date, p.amount) for p in payments] == [
        (datetime.date(2026, 12, 20), Decimal("21000.00")), (datetime.date(2027, 10, 10), Decimal("28000.00")),
        (datetime.date(2028, 1, 6), Decimal("21000.00"))]
    assert ProgressReport.objects.filter(contract=contract, status=ReportStatus.APPROVED).count() == 4
