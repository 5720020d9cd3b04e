"""Experts with outlying scores (issue 9 item 6): at aggregation each assignment stores the expert's deviation from
the final (trimmed-mean) score; the staff risk list flags an expert beyond the program's spread margin on two or more
applications, with links to those reviews. Hand-computed example below."""

from __future__ import annotations

from decimal import Decimal

import pytest

from governance.tenancy import tenant_context
from projects import services
from projects.models import ReviewAssignment, ReviewDraw
from projects.selectors_tenders import outlying_experts, risk_flags
from projects.tests.conftest import new_application
from projects.tests.factories import ApplicationFactory, ExpertFactory

pytestmark = pytest.mark.django_db

D = Decimal
# Criteria 40/30/30, each 0..10; five experts (ordered by id), spread margin 20 (the program's default).
# Application 1: weighted 71.00, 85.71, 50.00, 70.00, 94.00 → drop 50 and 94 → final (71 + 85.71 + 70) / 3 = 75.57.
#   Deviations: −4.57, +10.14, −25.57, −5.57, +18.43 → only expert 3 is beyond ±20.
SHEETS_1 = [(8, 6, 7), (9, None, 8), (5, 5, 5), (7, 7, None), (10, 9, 9)]
DEVIATIONS_1 = [D("-4.57"), D("10.14"), D("-25.57"), D("-5.57"), D("18.43")]
# Application 2: weighted 70, 70, 20, 70, 100 → drop 20 and 100 → final 70.00.
#   Deviations: 0, 0, −50, 0, +30 → experts 3 and 5 are beyond ±20.
SHEETS_2 = [(7, 7, 7), (7, 7, 7), (2, 2, 2), (7, 7, 7), (10, 10, 10)]
DEVIATIONS_2 = [D("0.00"), D("0.00"), D("-50.00"), D("0.00"), D("30.00")]
# Expert 3 is beyond the margin on two applications → flagged; expert 5 on one only → not flagged.


def _review(tree_a, users, program, experts, sheets, seed):
    application = new_application(tree_a, users, program)
    with tenant_context(tree_a["tenant"]):
        services.application_submit(actor=users["community_a"], application=application)
        services.application_start_review(actor=users["street_a"], application=application, seed=seed)
        criteria = list(program.review_template.criteria.order_by("position"))
        by_expert = {e.pk: e for e in experts}
        for assignment, sheet in zip(sorted(application.assignments.all(), key=lambda a: a.expert_id), sheets,
                                     strict=True):
            rows = [{"criterion": c.pk, "score": s} for c, s in zip(criteria, sheet, strict=True)]
            services.scores_save(actor=by_expert[assignment.expert_id].user, assignment=assignment, scores=rows,
                                 submit=True)
        application.refresh_from_db()
    return application


@pytest.fixture
def reviewed(tree_a, users, program, experts):
    with tenant_context(tree_a["tenant"]):
        program.experts_per_application = 5
        program.save(update_fields=["experts_per_application"])
    first = _review(tree_a, users, program, experts, SHEETS_1, "outlier-one")
    second = _review(tree_a, users, program, experts, SHEETS_2, "outlier-two")
    return first, second


def test_deviation_is_stored_at_aggregation(tree_a, reviewed):
    first, second = reviewed
    assert (first.final_score, second.final_score) == (D("75.57"), D("70.00"))
    with tenant_context(tree_a["tenant"]):
        for application, expected in ((first, DEVIATIONS_1), (second, DEVIATIONS_2)):
            assert [a.deviation for a in application.assignments.order_by("expert_id")] == expected


def test_an_expert_beyond_the_margin_on_two_applications_is_flagged(tree_a, users, experts, reviewed):
    first, second = reviewed
    with tenant_context(tree_a["tenant"]):
        flags = outlying_experts(user=users["street_a"])
        assert [(f.expert_id, f.expert_name) for f in flags] == [(experts[2].pk, experts[2].name)]
        assert [(r["application"], r["deviation"], r["final_score"]) for r in flags[0].reviews] == [
            (first.pk, D("-25.57"), D("75.57")), (second.pk, D("-50.00"), D("70.00"))]
        assert "2" in flags[0].detail and experts[2].name in flags[0].detail
        assert [f.expert_id for f in risk_flags(user=users["street_a"]) if f.kind == "outlying_expert"] == [
            experts[2].pk]
        # A wider margin on the first program's applications: nobody is beyond it twice any more.
        first.program.spread_margin = D("30")
        first.program.save(update_fields=["spread_margin"])
        assert outlying_experts(user=users["street_a"]) == []


def test_the_flag_is_shown_to_the_program_owner_only(tree_a, users, reviewed):
    with tenant_context(tree_a["tenant"]):
        for user in ("street2_a", "community_a", "expert_a"):
            assert outlying_experts(user=users[user]) == [], user
    assert outlying_experts(user=users["admin_b"]) == []


def test_risk_page_and_api_link_to_the_reviews(tree_a, users, experts, reviewed, client_for, api_for):
    first, second = reviewed
    page = client_for(users["street_a"]).get("/projects/risks/?kind=outlying_expert").content.decode()
    assert f"/projects/experts/{experts[2].pk}/" in page
    assert f"/projects/applications/{first.pk}/#expert-scores" in page and "-25.57" in page
    assert f"/projects/applications/{second.pk}/#expert-scores" in page
    body = api_for(users["street_a"]).get("/api/v1/projects/risks/?kind=outlying_expert").json()
    assert body["count"] == 1
    flag = body["results"][0]
    assert (flag["kind"], flag["expert"], flag["tender"]) == ("outlying_expert", experts[2].pk, None)
    assert [(r["application"], r["deviation"], r["margin"], r["url"]) for r in flag["reviews"]] == [
        (first.pk, "-25.57", "20.00", f"/projects/applications/{first.pk}/#expert-scores"),
        (second.pk, "-50.00", "20.00", f"/projects/applications/{second.pk}/#expert-scores")]
    for user in ("street2_a", "admin_b"):
        assert api_for(users[user]).get("/api/v1/projects/risks/").json()["results"] == [], user
    assert api_for(users["org_a"]).get("/api/v1/projects/risks/").status_code == 403
    refused = api_for(users["street_a"]).get("/api/v1/projects/risks/?kind=nonsense")
    assert refused.status_code == 400 and "kind" in refused.json()["extra"]["fields"]


def test_application_page_shows_each_experts_deviation(tree_a, users, reviewed, client_for):
    first, _second = reviewed
    page = client_for(users["street_a"]).get(f"/projects/applications/{first.pk}/").content.decode()
    assert 'id="expert-scores"' in page and "-25.57" in page and "18.43" in page


def test_risk_api_query_budget(tree_a, users, program, api_for, query_budget):
    with tenant_context(tree_a["tenant"]):
        applications = [ApplicationFactory(program=program, region=tree_a["community"]) for _ in range(2)]
        draws = [ReviewDraw.objects.create(tenant=tree_a["tenant"], application=a, round=1, seed="s", requested=1)
                 for a in applications]

    def outliers(n):
        with tenant_context(tree_a["tenant"]):
            for expert in ExpertFactory.create_batch(n, region=tree_a["street"]):
                for application, draw in zip(applications, draws, strict=True):
                    ReviewAssignment.objects.create(tenant=tree_a["tenant"], application=application, expert=expert,
                                                    draw=draw, status="submitted", weighted_score=D("90"),
                                                    deviation=D("30"))

    client = api_for(users["street_a"])
    query_budget(outliers, lambda: client.get("/api/v1/projects/risks/?page_size=100"), sizes=(3, 25), expected=5,
                 rows=lambda response: len(response.json()["results"]))
