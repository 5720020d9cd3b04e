"""Rules of the services: weights, caps, windows, eligibility, workflow, consultation, ranking in the pool."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from governance.exceptions import ApplicationError, ConflictError
from governance.tenancy import tenant_context
from orgs.models import CreditList, CreditReason, CreditRecord, Grade
from orgs.tests.factories import OrganizationFactory
from projects import services
from projects.models import (
    Application,
    ApplicationStatus,
    BudgetLine,
    ConsultationOutcome,
    FundingProgram,
    Indicator,
    ProgramKind,
    ReviewTemplate,
)
from projects.tests.conftest import TASKBOOK, new_application
from projects.tests.factories import ApplicationFactory, ProgramFactory

D = Decimal


def test_template_weights_must_sum_to_100(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        criteria = [{"name": "需求", "weight": D(50)}, {"name": "方案", "weight": D(40)}]
        with pytest.raises(ApplicationError, match="90"):
            services.review_template_save(actor=users["street_a"], name="模板", criteria=criteria)
        assert not ReviewTemplate.objects.exists()
        criteria[1]["weight"] = D(50)
        template = services.review_template_save(actor=users["street_a"], name="模板", criteria=criteria)
        assert template.criteria.count() == 2


def test_task_book_weights_and_budget_cap_refused_with_nothing_saved(tree_a, users, program):
    bad_weights = [dict(TASKBOOK[0]), dict(TASKBOOK[1], weight=D(30))]
    with pytest.raises(ApplicationError, match="90"):
        new_application(tree_a, users, program, indicators=bad_weights)
    over_cap = [{"category": "personnel", "amount": D("100000.01"), "rationale": "超出上限"}]
    with pytest.raises(ApplicationError, match="100000.01"):
        new_application(tree_a, users, program, budget_lines=over_cap)
    with tenant_context(tree_a["tenant"]):
        assert not Application.objects.exists() and not BudgetLine.objects.exists() and not Indicator.objects.exists()


def test_application_outside_jurisdiction_is_refused(tree_a, users, program):
    with tenant_context(tree_a["tenant"]), pytest.raises(ApplicationError):
        services.application_create(actor=users["community_a"], program=program, region=tree_a["community2"],
                                    title="x", need_statement="x", target_groups="x")


def test_submit_needs_a_complete_application_within_the_window(tree_a, users, program):
    application = new_application(tree_a, users, program, indicators=[])
    with tenant_context(tree_a["tenant"]):
        with pytest.raises(ApplicationError) as error:
            services.application_submit(actor=users["community_a"], application=application)
        assert "indicator" in str(error.value).lower() or "指标" in str(error.value)
        services.application_update(actor=users["community_a"], application=application, indicators=TASKBOOK)
        FundingProgram.objects.filter(pk=program.pk).update(application_closes=datetime.date(2020, 1, 1),
                                                            application_opens=datetime.date(2019, 1, 1),
                                                            review_opens=datetime.date(2019, 1, 1))
        application.program.refresh_from_db()
        with pytest.raises(ApplicationError, match="2020-01-01"):
            services.application_submit(actor=users["community_a"], application=application)
        application.refresh_from_db()
        assert application.status == ApplicationStatus.DRAFT


def test_a_second_submission_is_refused(tree_a, users, submitted):
    with tenant_context(tree_a["tenant"]), pytest.raises(ConflictError):
        services.application_submit(actor=users["community_a"], application=Application.objects.get(pk=submitted.pk))


def test_return_needs_a_reason_then_revise_and_resubmit(tree_a, users, submitted):
    with tenant_context(tree_a["tenant"]):
        with pytest.raises(ApplicationError):
            services.application_decide(actor=users["street_a"], application=submitted, to="returned", note=" ")
        with pytest.raises(ApplicationError):  # the applying community does not decide
            services.application_decide(actor=users["community_a"], application=submitted, to="returned",
                                        note="补充材料")
        services.application_decide(actor=users["street_a"], application=submitted, to="returned", note="补充材料")
        services.application_update(actor=users["community_a"], application=submitted, title="居家养老服务（修订）")
        services.application_submit(actor=users["community_a"], application=submitted)
        submitted.refresh_from_db()
        assert submitted.status == ApplicationStatus.SUBMITTED and submitted.decision_reason == ""


def test_approval_needs_the_review_first(tree_a, users, submitted):
    with tenant_context(tree_a["tenant"]), pytest.raises(ApplicationError):
        services.application_decide(actor=users["street_a"], application=submitted, to="approved")


def test_eligibility_explains_each_failed_rule(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        program = ProgramFactory(region=tree_a["street"], min_grade=Grade.A3, min_years_registered=3,
                                 min_last_conclusion="qualified")
        org = OrganizationFactory(region=tree_a["street"], registered_date=datetime.date.today()
                                  - datetime.timedelta(days=400), status="suspended")
        CreditRecord.objects.create(organization=org, list_type=CreditList.ABNORMAL,
                                    reason=CreditReason.ANNUAL_REPORT_OVERDUE, listed_on=datetime.date(2025, 6, 1))
        failures = services.eligibility_explain(program=program, organization=org, on_date=datetime.date.today())
        assert [f.rule for f in failures] == ["active", "credit", "min_grade", "years_registered", "last_conclusion"]
        assert all(f.message for f in failures)
        assert "2025-06-01" in failures[1].message
        good = OrganizationFactory(region=tree_a["street"])
        relaxed = ProgramFactory(region=tree_a["street"])
        assert services.eligibility_explain(program=relaxed, organization=good, on_date=datetime.date.today()) == []


def test_an_ineligible_applicant_organization_cannot_submit(tree_a, users, program):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["street"])
        CreditRecord.objects.create(organization=org, list_type=CreditList.SERIOUS,
                                    reason=CreditReason.LARGE_FINE, listed_on=datetime.date(2025, 1, 1))
    application = new_application(tree_a, users, program, applicant_organization=org)
    with tenant_context(tree_a["tenant"]):
        with pytest.raises(ApplicationError) as error:
            services.application_submit(actor=users["community_a"], application=application)
        assert error.value.extra["eligibility"] == ["credit"]


def test_self_governance_fund_is_decided_by_the_residents_vote(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        fund = ProgramFactory(region=tree_a["street"], kind=ProgramKind.SELF_GOVERNANCE_FUND)
    adopted, refused = new_application(tree_a, users, fund), new_application(tree_a, users, fund)
    with tenant_context(tree_a["tenant"]):
        for application in (adopted, refused):
            services.application_submit(actor=users["community_a"], application=application)
        meeting = {"held_on": datetime.date(2026, 5, 1), "participants": 40, "minutes": "议事会纪要"}
        with pytest.raises(ApplicationError):  # more votes than participants
            services.consultation_record(actor=users["street_a"], application=adopted, votes_for=41, **meeting)
        consultation = services.consultation_record(actor=users["street_a"], application=adopted, votes_for=30,
                                                    votes_against=5, votes_abstain=5, **meeting)
        services.consultation_record(actor=users["street_a"], application=refused, votes_for=10, votes_against=25,
                                     **meeting)
        adopted.refresh_from_db()
        refused.refresh_from_db()
        assert consultation.outcome == ConsultationOutcome.ADOPTED
        assert adopted.status == ApplicationStatus.APPROVED and adopted.approved_amount == D("50000")
        assert refused.status == ApplicationStatus.REJECTED and "2026-05-01" in refused.decision_reason


def test_ranking_approves_in_order_within_the_budget_pool(tree_a, users):
    """Hand-computed: pool 100,000, pass mark 60. A 50,000 @80 and B 40,000 @75 fit (10,000 left); C 30,000 @70
    does not fit; D 20,000 @55 is below the pass mark."""
    with tenant_context(tree_a["tenant"]):
        program = ProgramFactory(region=tree_a["street"], budget_pool=D(100000), cap_per_application=D(60000))
        rows = {}
        for name, amount, score in (("C", 30000, 70), ("A", 50000, 80), ("D", 20000, 55), ("B", 40000, 75)):
            rows[name] = ApplicationFactory(program=program, region=tree_a["community"], status="in_review",
                                            requested_amount=D(amount), final_score=D(score))
        services.program_rank_and_approve(actor=users["street_a"], program=program)
        got = {name: Application.objects.get(pk=a.pk) for name, a in rows.items()}
        assert {n: (a.rank, a.status) for n, a in got.items()} == {
            "A": (1, "approved"), "B": (2, "approved"), "C": (3, "rejected"), "D": (4, "rejected")}
        assert got["A"].approved_amount == D(50000) and got["B"].approved_amount == D(40000)
        assert "10000" in got["C"].decision_reason and "60" in got["D"].decision_reason


def test_ranking_waits_for_every_expert(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        program = ProgramFactory(region=tree_a["street"])
        ApplicationFactory(program=program, region=tree_a["community"], status="in_review", number="SB-WAIT")
        with pytest.raises(ApplicationError, match="SB-WAIT"):
            services.program_rank_and_approve(actor=users["street_a"], program=program)


def test_scores_out_of_range_or_na_where_not_allowed_are_refused(tree_a, users, program, experts, submitted):
    with tenant_context(tree_a["tenant"]):
        services.application_start_review(actor=users["street_a"], application=submitted, seed="rangeseed")
        assignment = submitted.assignments.select_related("expert__user").first()
        criteria = list(program.review_template.criteria.order_by("position"))
        criteria[0].allow_not_applicable = False
        criteria[0].save(update_fields=["allow_not_applicable"])
        expert_user = assignment.expert.user
        with pytest.raises(ApplicationError):
            services.scores_save(actor=expert_user, assignment=assignment,
                                 scores=[{"criterion": criteria[1].pk, "score": D(11)}])
        with pytest.raises(ApplicationError):
            services.scores_save(actor=expert_user, assignment=assignment,
                                 scores=[{"criterion": criteria[0].pk, "score": None}])
        with pytest.raises(ApplicationError):  # another expert may not score this assignment
            services.scores_save(actor=users["street_a"], assignment=assignment,
                                 scores=[{"criterion": criteria[1].pk, "score": D(5)}])
        with pytest.raises(ApplicationError):  # every criterion before submitting
            services.scores_save(actor=expert_user, assignment=assignment,
                                 scores=[{"criterion": criteria[1].pk, "score": D(5)}], submit=True)
        assert not assignment.scores.exists()


def test_a_percentage_indicator_is_never_added_up(tree_a, users, program):
    """A share (unit %) defaults to per period, is refused as cumulative and outside 0-100; nothing is saved."""
    from django.core.exceptions import ValidationError

    from projects.models import Application

    application = new_application(tree_a, users, program)
    with tenant_context(tree_a["tenant"]):
        assert dict(application.indicators.values_list("unit", "aggregation")) == {
            "人次": "cumulative", "%": "per_period"}
    for bad, field in (({"aggregation": "cumulative"}, "aggregation"), ({"target": Decimal("150")}, "target"),
                       ({"baseline": Decimal("-1")}, "baseline")):
        rows = [TASKBOOK[0], {**TASKBOOK[1], **bad}]
        with pytest.raises(ValidationError) as caught:
            new_application(tree_a, users, program, indicators=rows)
        assert f"indicators.1.{field}" in caught.value.message_dict
        with tenant_context(tree_a["tenant"]):
            assert Application.objects.count() == 1
