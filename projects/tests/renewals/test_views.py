"""Renewal pages and API: list with filters, search, sort and export; detail with the reasons; the decision form
and endpoint (confirmation, bad input never a 500, nothing saved); the organization's portal; isolation (tenant
B, another street, organization users) on every route; exact query budgets at two sizes; nav and 待办."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from governance.models import AuditEvent
from governance.registry import nav_entries, todo_items
from projects.models import Contract, RenewalReview
from projects.services import renewals as services

from .conftest import TODAY, contract, final

pytestmark = pytest.mark.django_db

LIST, API = "/projects/renewals/", "/api/v1/projects/renewals/"


def _reviews(world, n, band="good"):
    made = []
    for _ in range(n):
        c = contract(world)
        final(c, band=band, score="85.00")
        made.append(c)
    services.renewals_scan(tenant=world.tenant, today=TODAY)
    return [RenewalReview.objects.get(contract=c) for c in made]


def test_list_filters_search_sort_and_export(world, client_for):
    good = _reviews(world, 2)
    failing = _reviews(world, 1, band="fail")[0]
    client = client_for(world.street)
    page = client.get(LIST)
    assert page.status_code == 200
    assert all(r.contract.number in page.content.decode() for r in [*good, failing])
    body = client.get(LIST, {"recommendation": "retender"}).content.decode()
    assert failing.contract.number in body and good[0].contract.number not in body
    body = client.get(LIST, {"q": good[1].contract.number}).content.decode()
    assert good[1].contract.number in body and good[0].contract.number not in body
    assert client.get(LIST, {"sort": "-number"}).status_code == 200
    assert client.get(LIST, {"sort": "bogus", "status": "nonsense", "page": "x"}).status_code == 200
    export = client.get("/projects/renewals/export/", {"recommendation": "retender"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content)
                                     if export.streaming else export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "合同编号" and [r[0] for r in rows[1:]] == [failing.contract.number]
    assert AuditEvent.objects.filter(action="renewal.export").count() == 1


def test_detail_shows_reasons_and_the_decision_form(world, client_for):
    review = _reviews(world, 1)[0]
    page = client_for(world.street).get(f"{LIST}{review.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "data-confirm" in body and 'name="decision"' in body
    assert "85.00" in body  # the band reason
    # Read-only for the community (it may see the contract, not decide).
    body = client_for(world.users["community_a"]).get(f"{LIST}{review.pk}/").content.decode()
    assert 'name="decision"' not in body


def test_decide_through_the_page(world, signed, client_for):
    final(signed, band="good", score="84.00")
    services.renewals_scan(tenant=world.tenant, today=TODAY)
    review = RenewalReview.objects.get(contract=signed)
    client = client_for(world.street)
    bad = client.post(f"{LIST}{review.pk}/decide/", {"decision": "renewed_conditions", "conditions": ""})
    assert bad.status_code == 400 and RenewalReview.objects.get(pk=review.pk).status == "pending"
    bad = client.post(f"{LIST}{review.pk}/decide/", {"decision": "retendered", "bid_opens": "not a date"})
    assert bad.status_code == 400 and not signed.application.tenders.filter(round=2).exists()
    assert client.post(f"{LIST}{review.pk}/decide/", {"decision": "whatever"}).status_code == 400
    done = client.post(f"{LIST}{review.pk}/decide/", {"decision": "renewed", "note": "续签一年"})
    assert done.status_code == 302
    assert RenewalReview.objects.get(pk=review.pk).status == "renewed"
    again = client.post(f"{LIST}{review.pk}/decide/", {"decision": "renewed"})
    assert again.status_code == 400 and Contract.objects.filter(prior_contract=signed).count() == 1
    # The history tab shows the statuses' labels, never the stored codes.
    history = client.get(f"{LIST}{review.pk}/").content.decode().split("<ul class=\"small\">")[-1]
    assert "待决定 → 已续签 — 续签一年" in history and "renewed" not in history
    # The organization sees the decision on its contract in the portal.
    portal = client_for(world.bidder).get(f"/projects/portal/contracts/{signed.pk}/").content.decode()
    renewal = Contract.objects.get(prior_contract=signed)
    assert renewal.number in portal and "续签" in portal


def test_api_list_detail_and_decide(world, signed, api_for):
    final(signed, band="excellent", score="92.00")
    services.renewals_scan(tenant=world.tenant, today=TODAY)
    review = RenewalReview.objects.get(contract=signed)
    api = api_for(world.street)
    listed = api.get(API, {"recommendation": "renew", "ordering": "-end_date"}).json()
    assert [r["id"] for r in listed["results"]] == [review.pk] and listed["results"][0]["recommendation"] == "renew"
    detail = api.get(f"{API}{review.pk}/").json()
    assert [r["ok"] for r in detail["reasons"]] == [True, True, True, True] and detail["evaluation"] is not None
    assert api.get(API, {"status": "bogus"}).status_code == 400
    assert api.get(API, {"ordering": "bogus"}).status_code == 400
    assert [r["id"] for r in api.get(API, {"ordering": ""}).json()["results"]] == [review.pk]  # the default order
    bad = api.post(f"{API}{review.pk}/decide/", {"decision": "renewed_conditions"}, format="json")
    assert bad.status_code == 400 and RenewalReview.objects.get(pk=review.pk).status == "pending"
    bad = api.post(f"{API}{review.pk}/decide/", {"decision": "retendered", "bid_opens": "2026-13-45"}, format="json")
    assert bad.status_code == 400
    done = api.post(f"{API}{review.pk}/decide/", {"decision": "renewed"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "renewed" and done.json()["next_contract"]
    again = api.post(f"{API}{review.pk}/decide/", {"decision": "renewed"}, format="json")
    assert again.status_code == 409


def test_api_list_rows_equal_the_serializer(world, api_for):
    from projects.api.renewals import RenewalOutputSerializer

    reviews = _reviews(world, 2)
    results = api_for(world.street).get(API, {"ordering": "number"}).json()["results"]
    expected = RenewalOutputSerializer(sorted(reviews, key=lambda r: r.contract.number), many=True).data
    assert results == [dict(row) for row in expected]


def test_contract_page_links_its_renewal_review(world, client_for):
    bare = contract(world)
    client = client_for(world.street)
    assert not re.search(r'href="/projects/renewals/\d+/"', client.get(f"/projects/contracts/{bare.pk}/").content.decode())
    review = _reviews(world, 1)[0]
    body = client.get(f"/projects/contracts/{review.contract_id}/").content.decode()
    assert f'href="{LIST}{review.pk}/"' in body and "续约评审" in body and "待决定" in body
    # The community sees the contract and the review (read-only), so the link too.
    community = client_for(world.users["community_a"]).get(f"/projects/contracts/{review.contract_id}/")
    assert f'href="{LIST}{review.pk}/"' in community.content.decode()


@pytest.mark.parametrize("who", ["street_b", "street2_a", "org_a", "norole_a"])
def test_every_route_is_isolated(world, users, client_for, api_for, who):
    review = _reviews(world, 1)[0]
    user = users[who]
    client, api = client_for(user), api_for(user)
    for url in (f"{LIST}{review.pk}/", f"{API}{review.pk}/"):
        assert (client if url.startswith("/projects") else api).get(url).status_code == 404, url
    assert client.post(f"{LIST}{review.pk}/decide/", {"decision": "renewed"}).status_code == 404
    assert api.post(f"{API}{review.pk}/decide/", {"decision": "renewed"}, format="json").status_code == 404
    page = client.get(LIST)
    assert page.status_code in (200, 404) and review.contract.number not in page.content.decode()
    listed = api.get(API)
    assert listed.status_code in (200, 403) and review.contract.number not in listed.content.decode()
    export = client.get("/projects/renewals/export/")
    content = b"".join(export.streaming_content) if getattr(export, "streaming", False) else export.content
    assert review.contract.number.encode() not in content
    assert RenewalReview.objects.get(pk=review.pk).status == "pending"


def test_portal_shows_no_decision_of_another_organization(world, client_for):
    review = _reviews(world, 1)[0]
    services.renewal_decide(actor=world.street, review=review, decision="not_continued", note="需求变化")
    other = client_for(world.other_org_user)
    assert other.get(f"/projects/portal/contracts/{review.contract_id}/").status_code == 404
    own = client_for(world.bidder).get(f"/projects/portal/contracts/{review.contract_id}/").content.decode()
    assert "需求变化" in own


def test_list_page_query_budget(world, client_for, query_budget):
    client = client_for(world.street)
    query_budget(lambda n: _reviews(world, n), lambda: client.get(LIST + "?page_size=50"), sizes=(3, 25),
                 expected=6, warm=True)


def test_list_api_query_budget(world, api_for, query_budget):
    api = api_for(world.street)
    query_budget(lambda n: _reviews(world, n), lambda: api.get(API + "?page_size=50"), sizes=(3, 25), expected=4,
                 rows=lambda response: len(response.json()["results"]))


def test_nav_entry_and_todo(world, users):
    entries = [e for e in nav_entries() if e.url_name == "projects:renewal-list"]
    assert len(entries) == 1
    _reviews(world, 2)
    items = {i.key: i for i in todo_items(world.street)}
    assert items["projects.renewal.decide"].count == 2
    assert "projects.renewal.decide" not in {i.key for i in todo_items(users["org_a"])}
    assert {i.key: i.count for i in todo_items(users["street2_a"])}.get("projects.renewal.decide", 0) == 0
