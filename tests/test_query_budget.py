"""Query budgets: list pages and list APIs cost the same number of queries for 5 rows or 60."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import services
from governance.models import Region, RegionLevel
from governance.tenancy import tenant_context

# Generous ceilings: the point is the count not growing; these catch an accidental N+1 as well.
# (PostgreSQL adds the set_config() statements of the request's tenant scope.)
UI_BUDGET = 14
API_BUDGET = 12
# The home page also runs the panels other apps register (a few grouped counts each).
HOME_BUDGET = 25


def _add_communities(tree, upto: int) -> None:
    """Communities 1..upto under tenant A's first street (bulk, like the division loader)."""
    street = tree["street"]
    with tenant_context(tree["tenant"]):
        existing = set(Region.objects.filter(parent=street).values_list("code", flat=True))
        new = []
        for number in range(1, upto + 1):
            code = f"{street.short_code}{number:03d}"
            if code in existing:
                continue
            new.append(Region(tenant=tree["tenant"], parent=street, level=RegionLevel.COMMUNITY, code=code,
                              name=f"第{number}社区", path=f"{street.path}{code}/", depth=street.depth + 1))
        Region.objects.bulk_create(new)
        # A grid under some communities, so a detail page has children of children.
        for community in Region.objects.filter(parent=street).order_by("code")[:3]:
            if not community.children.exists():
                services.region_create(actor=None, parent=community, level=RegionLevel.GRID,
                                       code=f"{community.code}001", name="第一网格")


def _count(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries), response


def _two_sizes(tree, measure):
    _add_communities(tree, 5)
    small, small_rows = measure()
    _add_communities(tree, 60)
    large, large_rows = measure()
    assert large_rows > small_rows, "the larger tree must show more rows"
    assert small == large, f"query count grew with rows: {small} → {large}"
    return large


@pytest.mark.parametrize("username", ["admin_a", "street_a"])
def test_region_list_page_query_count_is_constant(users, tree_a, client_for, username,
                                                   django_assert_max_num_queries):
    client = client_for(users[username])

    def measure():
        count, response = _count(client, "/regions/", {"level": RegionLevel.COMMUNITY})
        return count, len(response.context["page"].object_list)

    count = _two_sizes(tree_a, measure)
    assert count <= UI_BUDGET
    with django_assert_max_num_queries(UI_BUDGET):
        client.get("/regions/", {"level": RegionLevel.COMMUNITY, "page": 3})


def test_region_list_htmx_search_query_count_is_constant(users, tree_a, client_for):
    client = client_for(users["street_a"])

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/regions/", {"q": "社区"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.context["page"].object_list)

    assert _two_sizes(tree_a, measure) <= UI_BUDGET


def test_region_detail_children_query_count_is_constant(users, tree_a, client_for):
    client = client_for(users["street_a"])

    def measure():
        count, response = _count(client, f"/regions/{tree_a['street'].pk}/", {})
        return count, len(response.context["page"].object_list)

    assert _two_sizes(tree_a, measure) <= UI_BUDGET


@pytest.mark.parametrize("page_size", [20, 50])
@pytest.mark.parametrize("username", ["admin_a", "street_a"])
def test_region_list_api_query_count_is_constant(users, tree_a, api_for, page_size, username,
                                                  django_assert_max_num_queries):
    client = api_for(users[username])

    def measure():
        count, response = _count(client, "/api/v1/regions/", {"level": RegionLevel.COMMUNITY,
                                                               "page_size": page_size})
        return count, len(response.json()["results"])

    count = _two_sizes(tree_a, measure)
    assert count <= API_BUDGET
    with django_assert_max_num_queries(API_BUDGET):
        client.get("/api/v1/regions/", {"within": tree_a["street"].pk, "page_size": page_size})


def test_home_query_count_is_constant(users, tree_a, client_for):
    client = client_for(users["admin_a"])

    def measure():
        count, response = _count(client, "/", {})
        return count, dict(response.context["region_stats"]).get(RegionLevel.COMMUNITY.label, 0)

    assert _two_sizes(tree_a, measure) <= HOME_BUDGET


def test_audit_list_query_count_is_constant(users, tree_a, client_for):
    client = client_for(users["admin_a"])

    def measure():
        count, response = _count(client, "/audit/", {})
        return count, len(response.context["page"].object_list)

    _add_communities(tree_a, 5)
    small, small_rows = measure()
    with tenant_context(tree_a["tenant"]):
        for community in Region.objects.filter(level=RegionLevel.COMMUNITY)[:40]:
            services.region_update(actor=users["admin_a"], region=community, name=community.name + "（改）")
    large, large_rows = measure()
    assert large_rows > small_rows
    assert small == large <= UI_BUDGET
