"""Cursor pages of the list APIs (``?cursor=``, governance.api.lists.FastListMixin): no count, same filters and
scope as the numbered pages, a signed position, documented in the OpenAPI schema (issue 8)."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from governance.tenancy import tenant_context
from orgs.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/orgs/"


def _walk(api, url: str) -> tuple[list[int], int]:
    """Ids of every cursor page from the first, and the number of pages."""
    ids, pages = [], 0
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"next", "results"}
        ids += [row["id"] for row in body["results"]]
        pages += 1
        url = body["next"]
    return ids, pages


def _orgs(tree, count, **fields):
    with tenant_context(tree["tenant"]):
        return [OrganizationFactory(region=tree["community"], **fields) for _ in range(count)]


def test_cursor_pages_walk_every_row_once_in_id_order(users, tree_a, api_for):
    created = _orgs(tree_a, 7)
    api = api_for(users["admin_a"])
    ids, pages = _walk(api, f"{ORGS}?cursor=&page_size=3")
    numbered = [row["id"] for row in api.get(ORGS, {"page_size": 200}).json()["results"]]
    assert ids == sorted(numbered) and {org.pk for org in created} <= set(ids) and pages == 3
    # A cursor row is the numbered page's row.
    first = api.get(f"{ORGS}?cursor=&page_size=1").json()["results"][0]
    assert first == next(row for row in api.get(ORGS, {"page_size": 200}).json()["results"] if row["id"] == first["id"])


def test_cursor_pages_apply_the_filters(users, tree_a, api_for):
    _orgs(tree_a, 2, kind="community_group")
    _orgs(tree_a, 3, kind="service_institution")
    api = api_for(users["admin_a"])
    ids, _pages = _walk(api, f"{ORGS}?cursor=&page_size=2&kind=community_group")
    expected = sorted(row["id"] for row in api.get(ORGS, {"kind": "community_group", "page_size": 200}).json()["results"])
    assert ids == expected and len(ids) >= 2


def test_cursor_pages_stay_in_the_tenant_and_the_jurisdiction(users, tree_a, tree_b, api_for):
    mine = {org.pk for org in _orgs(tree_a, 3)}
    with tenant_context(tree_a["tenant"]):
        outside = OrganizationFactory(region=tree_a["community2"]).pk  # the other street
    tenant_b_ids, _ = _walk(api_for(users["admin_b"]), f"{ORGS}?cursor=")
    assert not (mine | {outside}) & set(tenant_b_ids)
    street_ids, _ = _walk(api_for(users["street_a"]), f"{ORGS}?cursor=")
    assert mine <= set(street_ids) and outside not in street_ids


def test_a_forged_or_foreign_cursor_is_a_404_and_ordering_does_not_apply(users, tree_a, api_for):
    _orgs(tree_a, 3)
    api = api_for(users["admin_a"])
    regions_next = api.get("/api/v1/regions/?cursor=&page_size=1").json()["next"]
    foreign = regions_next.split("cursor=")[1].split("&")[0]
    for cursor in ("garbage", "WzEwXQ", foreign):
        response = api.get(ORGS, {"cursor": cursor})
        assert response.status_code == 404, cursor  # a page that does not exist, as an invalid page number
        assert "游标" in json.dumps(response.json(), ensure_ascii=False)
    plain, ordered = api.get(ORGS, {"cursor": ""}), api.get(ORGS, {"cursor": "", "ordering": "name"})
    assert ordered.status_code == 200 and ordered.json() == plain.json()  # the keyset's fixed order
    assert APIClient().get(ORGS, {"cursor": ""}).status_code == 401


def test_a_cursor_page_has_no_count_query(users, tree_a, api_for, query_budget):
    api = api_for(users["admin_a"])

    def make_rows(count: int) -> None:
        _orgs(tree_a, count)

    # savepoint, page (no count), domains: one query fewer than a numbered page, at any size.
    query_budget(make_rows, lambda: api.get(f"{ORGS}?cursor=&page_size=50"), sizes=(3, 25), expected=4,
                 rows=lambda response: len(response.json()["results"]))
    second = api.get(f"{ORGS}?cursor=&page_size=5").json()["next"]  # a later page: the keyset condition
    assert second
    query_budget(lambda count: None, lambda: api.get(second), sizes=(1, 2), expected=4)


def test_cursor_is_documented_and_both_envelopes_match_the_schema(users, tree_a, api_for):
    from tests.test_openapi import _response_errors

    schema = json.loads(APIClient().get("/api/schema/", {"format": "json"}).content)
    parameters = {p["name"]: p for p in schema["paths"][ORGS]["get"]["parameters"]}
    assert parameters["cursor"]["schema"]["type"] == "string" and "page" in parameters
    _orgs(tree_a, 3)
    api = api_for(users["admin_a"])
    for url in (ORGS, f"{ORGS}?cursor=&page_size=2"):
        response = api.get(url)
        assert response.status_code == 200
        assert _response_errors(schema, ORGS, "get", response) == [], url
    numbered = api.get(ORGS).json()
    assert set(numbered) == {"count", "next", "previous", "results"}  # the numbered envelope is unchanged
