"""The evaluation run: the mid-term score computed by hand, reruns identical, published results frozen,
recomputation from the snapshot, set-based queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from governance.models import AuditEvent
from projects.models import (
    ContractIndicator,
    Evaluation,
    EvaluationSettings,
    EvaluationStatus,
    ExpertScore,
    ProgressReport,
)
from projects.services import evaluations as services
from projects.services import reports as report_services
from projects.services.evaluation_formula import evaluate, snapshot_hash
from projects.tests.factories import ContractFactory

from .conftest import END, MIDTERM_RUN, START, fill

pytestmark = pytest.mark.django_db


def _rows():
    return list(Evaluation.objects.order_by("id").values())


def test_midterm_score_equals_the_hand_computation(world, contract):
    assert services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN) == {
        "created": 1, "updated": 0, "unchanged": 0, "published": 0}
    evaluation = Evaluation.objects.get()
    assert (evaluation.kind, evaluation.period, evaluation.status) == ("midterm", datetime.date(2026, 9, 30),
                                                                       EvaluationStatus.COMPUTED)
    parts = evaluation.breakdown
    # 服务人次: approved 120 + 130 = 250 (Q3 is not approved) against 500 × 273/365 days = 373.97 → 66.85 %.
    # 满意度 per period: 90/90 = 100 %, 80/90 = 88.89 % → 94.44 %. Weighted 60/40: 66.85×0.6 + 94.44×0.4 = 77.89.
    assert [(i["actual"], i["target"], i["completion"]) for i in parts["indicators"]["indicators"]] == [
        ("250.00", "373.97", "66.85"), ("85.00", "90.00", "94.44")]
    assert parts["indicators"]["score"] == "77.89"
    # Satisfaction: May's answers 5+4+3+4 = 16 stars / 4 answers = 4.00 → 80 (November's are after 30 September).
    assert (parts["satisfaction"]["score"], parts["satisfaction"]["responses"]) == ("80.00", 2)
    # Spending: 25,000 approved, nothing above a line; management 3,000 = 12 % > 10 % → 100 − 2 = 98.
    assert (parts["spending"]["score"], parts["spending"]["overhead_share"]) == ("98.00", "12.00")
    # Timeliness: Q1 (8 April ≤ 10 April) and Q3 (9 October ≤ 10 October) on time, Q2 (15 July) late → 2/3.
    assert parts["timeliness"]["score"] == "66.67"
    # Experts: (85 + 90) / 2 = 87.5.
    assert parts["experts"]["score"] == "87.50"
    # 77.89×25 % + 80×30 % + 98×15 % + 66.67×10 % + 87.5×20 % = 19.4725 + 24 + 14.7 + 6.667 + 17.5 = 82.3395.
    assert evaluation.score == Decimal("82.34")
    assert evaluation.band == "good"
    assert (evaluation.satisfaction, evaluation.ratings) == (Decimal("80.00"), 2)
    (event,) = AuditEvent.objects.filter(action="evaluation.compute", object_id=str(evaluation.pk))
    assert event.object_repr == str(evaluation)  # the run builds it without a translated lookup per row
    assert event.region_path == evaluation.contract.region.path


def test_tenant_weights_and_bands_change_the_result(world, contract):
    EvaluationSettings.objects.create(tenant=world.tenant, weight_indicators=Decimal("20"),
                                      weight_satisfaction=Decimal("50"), weight_spending=Decimal("10"),
                                      weight_timeliness=Decimal("10"), weight_experts=Decimal("10"),
                                      band_excellent=Decimal("95"), band_good=Decimal("85"), band_pass=Decimal("70"))
    services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN)
    evaluation = Evaluation.objects.get()
    # 77.89×20 % + 80×50 % + 98×10 % + 66.67×10 % + 87.5×10 % = 15.578 + 40 + 9.8 + 6.667 + 8.75 = 80.795.
    assert evaluation.score == Decimal("80.80")
    assert evaluation.band == "pass"  # below this tenant's 85 for 良好


def test_nothing_is_due_before_the_midterm_report(world, contract):
    assert services.evaluations_run(tenant=world.tenant, today=datetime.date(2026, 10, 10))["created"] == 0
    assert not Evaluation.objects.exists()


def test_run_twice_gives_identical_rows_and_no_duplicates(world, contract):
    services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN)
    first = _rows()
    again = services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN)
    assert again == {"created": 0, "updated": 0, "unchanged": 1, "published": 0}
    assert _rows() == first
    assert AuditEvent.objects.filter(action="evaluation.compute").count() == 1


def test_a_changed_input_recomputes_until_published_then_never(world, contract, in_tenant):
    services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN)
    before = Evaluation.objects.get()
    q3 = ProgressReport.objects.get(contract=contract, kind="midterm")
    report_services.report_approve(actor=world.street, report=q3)
    assert services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN)["updated"] == 1
    recomputed = Evaluation.objects.get()
    assert recomputed.pk == before.pk and recomputed.input_hash != before.input_hash
    assert recomputed.score > before.score  # Q3's 200 people now count
    Evaluation.objects.filter(pk=recomputed.pk).update(status=EvaluationStatus.PUBLISHED,
                                                       published_at=recomputed.computed_at)
    frozen = _rows()
    # An input changes after publication: another expert score; the run leaves the published row alone.
    contract.expert_scores.create(tenant=world.tenant, kind="midterm", assessor="王专家", score=Decimal("10"))
    assert services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN) == {
        "created": 0, "updated": 0, "unchanged": 0, "published": 1}
    assert _rows() == frozen


def test_the_database_refuses_to_change_a_published_evaluation(world, contract):
    services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN)
    evaluation = Evaluation.objects.get()
    Evaluation.objects.filter(pk=evaluation.pk).update(status=EvaluationStatus.PUBLISHED,
                                                       published_at=evaluation.computed_at)
    with pytest.raises(IntegrityError if connection.vendor == "postgresql" else Exception), transaction.atomic():
        Evaluation.objects.filter(pk=evaluation.pk).update(score=Decimal("99"))
    assert Evaluation.objects.get().score == evaluation.score


def test_recomputation_from_the_snapshot_reproduces_score_and_hash(world, contract):
    services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN)
    evaluation = Evaluation.objects.get()
    stored = Evaluation.objects.get(pk=evaluation.pk)  # the snapshot as the database returns it
    result = evaluate(stored.input_snapshot)
    assert (result["score"], result["band"], result["breakdown"]) == (stored.score, stored.band, stored.breakdown)
    assert snapshot_hash(stored.input_snapshot) == stored.input_hash
    assert services.evaluation_recompute(stored)["identical"] is True
    tampered = {**stored.input_snapshot, "experts": ["0.00"]}
    assert snapshot_hash(tampered) != stored.input_hash and evaluate(tampered)["score"] < stored.score


def test_final_evaluation_after_the_final_report(world, contract):
    q3, q4 = ProgressReport.objects.filter(contract=contract, kind__in=["midterm", "final"]).order_by("sequence")
    report_services.report_approve(actor=world.street, report=q3)
    fill(world, q4, people="150", num="46", den="50", spent=[("activities", "8000")],
         submitted_on=datetime.date(2027, 1, 5))
    assert services.evaluations_run(tenant=world.tenant, today=datetime.date(2027, 1, 11))["created"] == 2
    final = Evaluation.objects.get(kind="final")
    assert final.period == datetime.date(2026, 12, 31)
    # All four quarters approved: 120+130+200+150 = 600 ≥ 500 → capped at 100 %.
    assert final.breakdown["indicators"]["indicators"][0]["completion"] == "100.00"
    # November's ratings count now: (16 + 10) / 6 answers = 4.33 → 86.67; no expert scores for the final.
    assert final.breakdown["satisfaction"]["score"] == "86.67" and final.breakdown["experts"]["score"] is None
    assert final.breakdown["experts"]["effective_weight"] == "0.00"


def test_the_run_is_set_based(world, contract):
    with CaptureQueriesContext(connection) as one:
        services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN)
    Evaluation.objects.all().delete()
    # Three more contracts with indicators, a schedule and an approved mid-term report: the count does not grow.
    for _ in range(3):
        other = ContractFactory(application=world.application, organization=world.orgs[1], status="active",
                                signed_on=START, start_date=START, end_date=END)
        for indicator in contract.indicators.all():
            ContractIndicator.objects.create(tenant=world.tenant, contract=other, name=indicator.name,
                                             kind=indicator.kind, unit=indicator.unit, target=indicator.target,
                                             weight=indicator.weight, aggregation=indicator.aggregation)
        report_services.report_schedule_generate(actor=world.street, contract=other)
        ProgressReport.objects.filter(contract=other, kind="midterm").update(status="approved")
        ExpertScore.objects.create(tenant=world.tenant, contract=other, kind="midterm", assessor="李专家",
                                   score=Decimal("70"))
    with CaptureQueriesContext(connection) as four:
        assert services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN)["created"] == 4
    assert len(four) == len(one)
