"""The seeded draw: reproducible from its record, never a conflicted expert, exclusions recorded."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.models import AuditEvent
from governance.tenancy import tenant_context
from orgs.tests.factories import OrganizationFactory
from projects import services
from projects.models import ApplicationStatus, BidEvaluation, ReviewDraw
from projects.services.draw import (
    Candidate,
    Conflict,
    ConflictContext,
    conflicts_of,
    draw_experts,
    redraw_matches,
    run_draw,
)
from projects.tests.conftest import new_application
from projects.tests.factories import AwardFactory, BidFactory, ExpertFactory, ProgramFactory, TenderFactory  # noqa

ORG_IDS = st.integers(min_value=1, max_value=8)
candidates = st.lists(
    st.builds(Candidate, id=st.integers(min_value=1, max_value=10_000), employer_id=st.one_of(st.none(), ORG_IDS),
              related_org_ids=st.frozensets(ORG_IDS, max_size=3),
              evaluated_org_ids_last_round=st.frozensets(ORG_IDS, max_size=2), staff_of_applicant=st.booleans()),
    max_size=40, unique_by=lambda c: c.id)


@settings(max_examples=300, deadline=None)
@given(pool=candidates, orgs=st.frozensets(ORG_IDS, max_size=3), drawn=st.frozensets(st.integers(1, 10_000),
                                                                                       max_size=5),
       seed=st.text(alphabet="0123456789abcdef", min_size=8, max_size=32), count=st.integers(1, 8))
def test_draw_never_picks_a_conflicted_expert_and_is_reproducible(pool, orgs, drawn, seed, count):
    context = ConflictContext(organization_ids=orgs, already_drawn=drawn)
    outcome = run_draw(seed=seed, candidates=pool, context=context, count=count)
    by_id = {c.id: c for c in pool}
    eligible = [c.id for c in pool if not conflicts_of(c, context)]
    assert len(outcome.result) == min(count, len(eligible))
    assert len(set(outcome.result)) == len(outcome.result)
    for pk in outcome.result:
        assert not conflicts_of(by_id[pk], context)
    excluded = {e["id"] for e in outcome.exclusions}
    assert excluded == {c.id for c in pool} - set(eligible)
    # Anyone can re-run it from the record: same seed and snapshot, same experts, whatever the order given.
    assert redraw_matches(seed=seed, snapshot=outcome.snapshot, count=count, result=outcome.result)
    assert run_draw(seed=seed, candidates=list(reversed(pool)), context=context, count=count) == outcome


def test_each_conflict_rule_and_its_reason():
    context = ConflictContext(organization_ids=frozenset({7}), already_drawn=frozenset({5}))
    assert conflicts_of(Candidate(id=1, employer_id=7), context) == [Conflict.SAME_EMPLOYER]
    assert conflicts_of(Candidate(id=2, related_org_ids=frozenset({7, 9})), context) == [Conflict.DECLARED_RELATION]
    assert conflicts_of(Candidate(id=3, evaluated_org_ids_last_round=frozenset({7})), context) == [
        Conflict.REVIEWED_BID_LAST_ROUND]
    assert conflicts_of(Candidate(id=4, staff_of_applicant=True), context) == [Conflict.APPLICANT_STAFF]
    assert conflicts_of(Candidate(id=5), context) == [Conflict.ALREADY_DRAWN]
    assert conflicts_of(Candidate(id=6, employer_id=8), context) == []


def test_different_seeds_give_different_orders():
    ids = list(range(1, 51))
    assert draw_experts("seed-one", ids, 5) != draw_experts("seed-two", ids, 5)
    assert draw_experts("seed-one", ids, 5) == draw_experts("seed-one", list(reversed(ids)), 5)


def test_start_review_excludes_conflicts_and_records_seed_snapshot_result(tree_a, users, program, experts):
    tenant = tree_a["tenant"]
    with tenant_context(tenant):
        bidder = OrganizationFactory(region=tree_a["street"])
        applicant = OrganizationFactory(region=tree_a["street"])
        employed = ExpertFactory(region=tree_a["street"], employer=bidder)
        related = ExpertFactory(region=tree_a["street"])
        services.relation_declare(actor=users["street_a"], expert=related, organization=applicant, kind="family",
                                  reason="配偶在该机构任职")
        staff = ExpertFactory(region=tree_a["street"], user=users["community_a"])
        last_year = ExpertFactory(region=tree_a["street"])
        old_program = ProgramFactory(region=tree_a["street"], year=program.year - 1)
    old = new_application(tree_a, users, old_program)
    with tenant_context(tenant):
        tender = TenderFactory(application=old)
        BidEvaluation.objects.create(bid=BidFactory(tender=tender, organization=bidder), expert=last_year,
                                     quality_score=80, price_score=90, total_score=83)
    application = new_application(tree_a, users, program, applicant_organization=None, likely_bidders=[bidder])
    with tenant_context(tenant):
        application.applicant_organization = applicant
        application.save(update_fields=["applicant_organization"])
        services.application_submit(actor=users["community_a"], application=application)
        draw = services.application_start_review(actor=users["street_a"], application=application, seed="fixedseed1")
        application.refresh_from_db()
        assert application.status == ApplicationStatus.IN_REVIEW
        reasons = {e["id"]: e["reasons"] for e in draw.exclusions}
        assert reasons == {employed.pk: [Conflict.SAME_EMPLOYER], related.pk: [Conflict.DECLARED_RELATION],
                           staff.pk: [Conflict.APPLICANT_STAFF], last_year.pk: [Conflict.REVIEWED_BID_LAST_ROUND]}
        assert len(draw.result) == 3 and set(draw.result) <= {e.pk for e in experts}
        assert set(application.assignments.values_list("expert_id", flat=True)) == set(draw.result)
        event = AuditEvent.objects.get(action="review.draw", object_id=str(application.pk))
        assert event.changes["seed"] == "fixedseed1" and event.changes["result"] == draw.result
        assert redraw_matches(seed=event.changes["seed"], snapshot=event.changes["pool_snapshot"],
                              count=event.changes["requested"], result=event.changes["result"])


def test_too_few_experts_without_conflict_refuses_and_saves_nothing(tree_a, users, program, submitted):
    from governance.exceptions import ApplicationError

    with tenant_context(tree_a["tenant"]):
        ExpertFactory(region=tree_a["street"])
        with pytest.raises(ApplicationError, match="1"):
            services.application_start_review(actor=users["street_a"], application=submitted)
        submitted.refresh_from_db()
        assert submitted.status == ApplicationStatus.SUBMITTED
        assert not ReviewDraw.objects.exists()


def test_recusal_draws_a_replacement_and_records_the_reason(tree_a, users, program, experts, submitted):
    with tenant_context(tree_a["tenant"]):
        services.application_start_review(actor=users["street_a"], application=submitted, seed="recuseseed")
        assignment = submitted.assignments.select_related("expert__user").first()
        redraw = services.assignment_recuse(actor=assignment.expert.user, assignment=assignment,
                                            reason="与申报单位负责人系亲属")
        assignment.refresh_from_db()
        assert assignment.status == "recused" and assignment.recused_reason == "与申报单位负责人系亲属"
        assert redraw.round == 2 and len(redraw.result) == 1
        excluded = {e["id"] for e in redraw.exclusions}
        assert assignment.expert_id in excluded
        assert submitted.assignments.exclude(status="recused").count() == 3
