"""Aggregation against a hand-computed example: n/a answers and five experts (trimmed mean)."""

from __future__ import annotations

from decimal import Decimal

from governance.models import AuditEvent
from governance.tenancy import tenant_context
from projects import selectors, services
from projects.services.scoring import CriterionScore, aggregate, expert_weighted_score

D = Decimal
# Criteria weights 40/30/30, each scored 0..10. Per expert (None = n/a), with the weighted mean on 0..100:
SHEETS = [
    (8, 6, 7),        # (40·80 + 30·60 + 30·70) / 100 = 71.00
    (9, None, 8),     # (40·90 + 30·80) / 70 = 85.714… → 85.71 (n/a left out, not 0)
    (5, 5, 5),        # 50.00
    (7, 7, None),     # (40·70 + 30·70) / 70 = 70.00
    (10, 9, 9),       # (4000 + 2700 + 2700) / 100 = 94.00
]
EXPECTED_EXPERTS = [D("71.00"), D("85.71"), D("50.00"), D("70.00"), D("94.00")]
# Five experts: drop 50.00 and 94.00 → (70.00 + 71.00 + 85.71) / 3 = 75.57; spread 94 − 50 = 44 > 20.
EXPECTED_FINAL, EXPECTED_SPREAD = D("75.57"), D("44.00")


def _scores(sheet):
    return [CriterionScore(weight=D(w), min_score=D(0), max_score=D(10), score=None if s is None else D(s))
            for w, s in zip((40, 30, 30), sheet, strict=True)]


def test_weighted_mean_per_expert_leaves_na_out():
    assert [expert_weighted_score(_scores(sheet)) for sheet in SHEETS] == EXPECTED_EXPERTS
    assert expert_weighted_score(_scores((None, None, None))) is None


def test_trimmed_mean_with_five_experts_and_spread_flag():
    result = aggregate(EXPECTED_EXPERTS, margin=D(20))
    assert (result.score, result.spread, result.flagged, result.trimmed) == (EXPECTED_FINAL, EXPECTED_SPREAD, True,
                                                                             True)
    four = aggregate(EXPECTED_EXPERTS[:4], margin=D(40))  # fewer than five: the plain mean, 69.18
    assert (four.score, four.trimmed, four.flagged) == (D("69.18"), False, False)


def test_scores_through_the_services_give_the_hand_computed_result(tree_a, users, program, experts, submitted):
    with tenant_context(tree_a["tenant"]):
        program.experts_per_application = 5
        program.save(update_fields=["experts_per_application"])
        services.application_start_review(actor=users["street_a"], application=submitted, seed="handcomputed")
        criteria = list(program.review_template.criteria.order_by("position"))
        by_expert = {e.pk: e for e in experts}
        assignments = sorted(submitted.assignments.all(), key=lambda a: a.expert_id)
        for assignment, sheet in zip(assignments, SHEETS, strict=True):
            assert selectors.peer_scores(assignment=assignment) == []  # blind until they submit
            rows = [{"criterion": c.pk, "score": s} for c, s in zip(criteria, sheet, strict=True)]
            services.scores_save(actor=by_expert[assignment.expert_id].user, assignment=assignment, scores=rows,
                                 submit=True)
        submitted.refresh_from_db()
        assert (submitted.final_score, submitted.score_spread, submitted.spread_flagged) == (
            EXPECTED_FINAL, EXPECTED_SPREAD, True)
        assert sorted(a.weighted_score for a in submitted.assignments.all()) == sorted(EXPECTED_EXPERTS)
        event = AuditEvent.objects.get(action="application.aggregate", object_id=str(submitted.pk))
        assert event.changes["final_score"] == "75.57" and event.changes["trimmed"] is True
