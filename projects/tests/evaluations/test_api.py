"""Evaluation API: scoping (tenant B, outside the jurisdiction, another organization → 404; drafts never in the
portal), publication (then 409 with a Chinese message), the fast list equals its serializer, bad input is a
400, exact query counts at two sizes on both lists."""

from __future__ import annotations

from decimal import Decimal

import pytest

from projects.api.evaluations import LIST_VALUES, ContractEvaluationSerializer, evaluation_rows
from projects.models import Evaluation, EvaluationStatus
from projects.services import evaluations as services

from .conftest import MIDTERM_RUN
from .test_views import _make_rows

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/evaluations/"
PORTAL = "/api/v1/projects/portal/evaluations/"


@pytest.fixture
def evaluation(world, contract):
    services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN)
    return Evaluation.objects.get()


def test_api_is_scoped(world, evaluation, users, api_for):
    staff = api_for(world.street)
    assert staff.get(BASE).json()["count"] == 1
    detail = staff.get(f"{BASE}{evaluation.pk}/").json()
    assert detail["score"] == "82.34" and detail["recomputed"]["identical"] is True
    assert [c["key"] for c in detail["components"]] == ["indicators", "satisfaction", "spending", "timeliness",
                                                        "experts"]
    assert detail["components"][0]["indicators"][0]["completion"] == "66.85"
    assert detail["input_snapshot"]["experts"] == ["85.00", "90.00"]
    for user in (users["street2_a"], users["street_b"]):
        client = api_for(user)
        assert client.get(BASE).json()["count"] == 0
        assert client.get(f"{BASE}{evaluation.pk}/").status_code == 404
        assert client.post(f"{BASE}{evaluation.pk}/publish/", {}).status_code == 404
    org = api_for(world.bidder)
    assert org.get(BASE).status_code == 403
    assert org.get(f"{BASE}{evaluation.pk}/").status_code == 404
    # Awaiting publication: not in the portal.
    assert org.get(PORTAL).json()["count"] == 0
    assert org.get(f"{PORTAL}{evaluation.pk}/").status_code == 404
    assert staff.get(PORTAL).status_code == 403
    assert Evaluation.objects.get().status == EvaluationStatus.COMPUTED


def test_publish_then_refused_and_visible_to_the_organization(world, evaluation, users, api_for):
    staff = api_for(world.street)
    refused = api_for(users["community_a"]).post(f"{BASE}{evaluation.pk}/publish/", {"note": ""}, format="json")
    assert refused.status_code == 400 and "无权发布" in refused.json()["message"]
    missing = staff.post(f"{BASE}{evaluation.pk}/publish/")  # no body: refused, not published by accident
    assert missing.status_code == 400 and "note" in str(missing.json()["extra"])
    assert staff.post(f"{BASE}{evaluation.pk}/publish/", {"note": "x" * 2001}, format="json").status_code == 400
    assert staff.post(f"{BASE}{evaluation.pk}/publish/", {"note": 0}, format="json").status_code == 400  # fuzz: a number
    assert Evaluation.objects.get().status == EvaluationStatus.COMPUTED
    response = staff.post(f"{BASE}{evaluation.pk}/publish/", {"note": "经复核"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "published"
    again = staff.post(f"{BASE}{evaluation.pk}/publish/", {"note": ""}, format="json")
    assert again.status_code == 409 and "该评估已发布" in again.json()["message"]
    org = api_for(world.bidder)
    assert org.get(PORTAL).json()["results"][0]["id"] == evaluation.pk
    assert org.get(f"{PORTAL}{evaluation.pk}/").json()["components"][1]["score"] == "80.00"
    assert api_for(world.other_org_user).get(f"{PORTAL}{evaluation.pk}/").status_code == 404
    assert api_for(world.other_org_user).get(PORTAL).json()["count"] == 0


def test_fast_list_equals_the_serializer(world, evaluation, api_for):
    services.evaluation_publish(actor=world.street, evaluation=evaluation)
    queryset = Evaluation.objects.select_related("contract__organization").order_by("id")
    assert evaluation_rows(list(queryset.values(*LIST_VALUES))) == [
        dict(row) for row in ContractEvaluationSerializer(list(queryset), many=True).data]
    assert api_for(world.street).get(BASE).json()["results"] == ContractEvaluationSerializer(
        list(queryset), many=True).data


def test_filters_and_bad_input(world, evaluation, api_for):
    staff = api_for(world.street)
    for query, count in (("kind=midterm", 1), ("kind=final", 0), ("band=good", 1), ("status=published", 0),
                         ("year=2026", 1), ("year=2025", 0), (f"contract={evaluation.contract_id}", 1),
                         ("q=无此合同", 0), ("ordering=-score", 1), ("ordering=", 1)):  # empty: default order
        assert staff.get(f"{BASE}?{query}").json()["count"] == count, query
    for query in ("kind=bogus", "year=abc", "year=1999", "contract=0", "contract=abc", "ordering=bogus",
                  "q=" + "长" * 101):
        response = staff.get(f"{BASE}?{query}")
        assert response.status_code == 400, query
        assert response.json()["message"]
    assert api_for(world.bidder).get(f"{PORTAL}?kind=bogus").status_code == 400
    assert staff.get(f"{BASE}999999/").status_code == 404
    assert Evaluation.objects.get().score == Decimal("82.34")


def test_staff_list_query_budget(world, api_for, query_budget):
    client = api_for(world.street)
    query_budget(_make_rows(world, published=False), lambda: client.get(BASE, {"page_size": 50}),
                 expected=EXPECTED_STAFF, rows=lambda r: len(r.json()["results"]))


def test_portal_list_query_budget(world, api_for, query_budget):
    client = api_for(world.bidder)
    query_budget(_make_rows(world, published=True), lambda: client.get(PORTAL, {"page_size": 50}),
                 expected=EXPECTED_PORTAL, rows=lambda r: len(r.json()["results"]))


EXPECTED_STAFF = 4  # the token comes from the cache (governance.api.token_cache): no query for it
EXPECTED_PORTAL = 5
