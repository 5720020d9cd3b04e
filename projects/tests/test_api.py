"""The project API: scoping (404 for tenant B and outside the jurisdiction), the actions, query budgets."""

from __future__ import annotations

import pytest

from governance.tenancy import tenant_context
from projects import services
from projects.tests.conftest import BUDGET, TASKBOOK, row_makers

BASE = "/api/v1/projects"


@pytest.fixture
def in_review(tree_a, users, program, experts, submitted):
    with tenant_context(tree_a["tenant"]):
        services.application_start_review(actor=users["street_a"], application=submitted, seed="apiseed01")
    return submitted


def test_lists_and_details_are_scoped(api_for, users, program, experts, in_review):
    street = api_for(users["street_a"])
    body = street.get(f"{BASE}/applications/").json()
    assert [row["number"] for row in body["results"]] == [in_review.number]
    detail = street.get(f"{BASE}/applications/{in_review.pk}/").json()
    assert detail["draws"][0]["seed"] == "apiseed01" and len(detail["indicators"]) == 2
    assert street.get(f"{BASE}/programs/{program.pk}/").status_code == 200
    assert street.get(f"{BASE}/experts/{experts[0].pk}/").status_code == 200
    for who in ("street_b", "street2_a"):
        client = api_for(users[who])
        for url in (f"{BASE}/applications/{in_review.pk}/", f"{BASE}/programs/{program.pk}/",
                    f"{BASE}/experts/{experts[0].pk}/", f"{BASE}/applications/{in_review.pk}/decide/"):
            method = client.post if url.endswith("decide/") else client.get
            assert method(url, {"to": "rejected", "note": "x"}, format="json").status_code == 404, (who, url)
        for url in (f"{BASE}/applications/", f"{BASE}/programs/", f"{BASE}/experts/"):
            assert client.get(url).json()["count"] == 0, (who, url)


def test_expert_api_shows_only_own_assignments_and_scores(api_for, users, tree_a, program, experts, in_review):
    with tenant_context(tree_a["tenant"]):
        mine = in_review.assignments.filter(expert__user=users["expert_a"]).first()
        others = list(in_review.assignments.exclude(expert__user=users["expert_a"]))
        criteria = list(program.review_template.criteria.order_by("position"))
    client = api_for(users["expert_a"])
    rows = client.get(f"{BASE}/reviews/").json()["results"]
    assert {r["id"] for r in rows} == ({mine.pk} if mine else set())
    for other in others:
        assert client.get(f"{BASE}/reviews/{other.pk}/").status_code == 404
    assert client.get(f"{BASE}/applications/{in_review.pk}/").status_code == 404
    if mine:
        payload = {"scores": [{"criterion": c.pk, "score": "7"} for c in criteria[:2]]
                   + [{"criterion": criteria[2].pk, "score": None}], "submit": True}
        response = client.post(f"{BASE}/reviews/{mine.pk}/scores/", payload, format="json")
        assert response.status_code == 200 and response.json()["weighted_score"] == "70.00"
        again = client.post(f"{BASE}/reviews/{mine.pk}/scores/", payload, format="json")
        assert again.status_code == 409


def test_create_submit_and_refusals(api_for, users, tree_a, program):
    client = api_for(users["community_a"])
    payload = {"program": program.pk, "region": tree_a["community"].pk, "title": "API申报", "need_statement": "需求",
               "target_groups": "老人", "budget_lines": [{**x, "amount": str(x["amount"])} for x in BUDGET],
               "indicators": [{**x, "target": str(x["target"]), "weight": str(x["weight"])} for x in TASKBOOK]}
    created = client.post(f"{BASE}/applications/", payload, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.post(f"{BASE}/applications/{pk}/submit/").json()["status"] == "submitted"
    second = client.post(f"{BASE}/applications/{pk}/submit/")
    assert second.status_code == 409 and second.json()["message"]
    bad = dict(payload, indicators=[dict(payload["indicators"][0], weight="50")], title="权重不足")
    refused = client.post(f"{BASE}/applications/", bad, format="json")
    assert refused.status_code == 400 and "50" in refused.json()["message"]


def test_eligibility_endpoint_explains(api_for, users, tree_a, program):
    from orgs.tests.factories import OrganizationFactory

    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["street"], status="suspended")
    body = api_for(users["street_a"]).get(f"{BASE}/programs/{program.pk}/eligibility/?organization={org.pk}").json()
    assert body["eligible"] is False and body["failures"][0]["rule"] == "active"
    assert api_for(users["street_b"]).get(
        f"{BASE}/programs/{program.pk}/eligibility/?organization={org.pk}").status_code == 404


def test_list_apis_query_counts_do_not_grow(api_for, users, tree_a, query_budget):
    client = api_for(users["street_a"])
    makers = row_makers(tree_a)
    rows = lambda r: len(r.json()["results"])  # noqa: E731
    for kind in ("applications", "programs", "experts"):
        query_budget(makers[kind], lambda kind=kind: client.get(f"{BASE}/{kind}/"), expected=4, rows=rows,
                     warm=True)


def test_filters_are_validated_as_documented(api_for, users, tree_a, experts):
    client = api_for(users["street_a"])
    assert client.get(f"{BASE}/programs/?year=0").status_code == 400
    assert client.get(f"{BASE}/experts/?available=2").status_code == 400
    with tenant_context(tree_a["tenant"]):
        experts[0].available = False
        experts[0].save(update_fields=["available"])
    assert client.get(f"{BASE}/experts/?available=false").json()["count"] == 1
    assert client.get(f"{BASE}/experts/?available=true").json()["count"] == 4
