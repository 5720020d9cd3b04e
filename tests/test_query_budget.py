"""Query budgets: list pages and list APIs cost exactly the same number of queries for 5 rows or 60."""

import pytest

from governance import services
from governance.models import AuditEvent, Region, RegionLevel
from governance.tenancy import tenant_context

SIZES = (5, 60)  # communities under the street


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


def _communities(tree):
    """``make_rows(n)`` for the ``query_budget`` fixture: ``n`` more communities under the street. New regions
    make the cached roles stale (their subtree ids, governance.role_cache), so the callers measure ``warm``."""
    total = 0

    def make_rows(count: int) -> None:
        nonlocal total
        total += count
        _add_communities(tree, total)

    return make_rows


def _page_rows(response) -> int:
    return len(response.context["page"].object_list)


@pytest.mark.parametrize(("username", "expected"), [("admin_a", 6), ("street_a", 6)])
def test_region_list_page_query_count_is_exact(users, tree_a, client_for, query_budget, username, expected):
    client = client_for(users[username])
    query_budget(_communities(tree_a), lambda: client.get("/regions/", {"level": RegionLevel.COMMUNITY}),
                 sizes=SIZES, warm=True, expected=expected, rows=_page_rows)
    # A later page costs the same.
    query_budget(lambda count: None, lambda: client.get("/regions/", {"level": RegionLevel.COMMUNITY, "page": 3}),
                 sizes=(1, 2), expected=expected)


def test_region_list_htmx_search_query_count_is_exact(users, tree_a, client_for, query_budget):
    client = client_for(users["street_a"])
    query_budget(_communities(tree_a), lambda: client.get("/regions/", {"q": "社区"}, HTTP_HX_REQUEST="true"),
                 sizes=SIZES, warm=True, expected=6, rows=_page_rows)


def test_region_detail_children_query_count_is_exact(users, tree_a, client_for, query_budget):
    client = client_for(users["street_a"])
    query_budget(_communities(tree_a), lambda: client.get(f"/regions/{tree_a['street'].pk}/"),
                 sizes=SIZES, warm=True, expected=9, rows=_page_rows)


@pytest.mark.parametrize("page_size", [20, 50])
@pytest.mark.parametrize(("username", "expected"), [("admin_a", 4), ("street_a", 4)])
def test_region_list_api_query_count_is_exact(users, tree_a, api_for, query_budget, page_size, username, expected):
    client = api_for(users[username])
    query_budget(_communities(tree_a),
                 lambda: client.get("/api/v1/regions/", {"level": RegionLevel.COMMUNITY, "page_size": page_size}),
                 sizes=SIZES, warm=True, expected=expected, rows=lambda response: len(response.json()["results"]))
    query_budget(lambda count: None,
                 lambda: client.get("/api/v1/regions/", {"within": tree_a["street"].pk, "page_size": page_size}),
                 sizes=(1, 2), expected=expected + 1)  # the ``within`` region is looked up first


def test_home_query_count_is_exact(users, tree_a, client_for, query_budget):
    client = client_for(users["admin_a"])
    # One COUNT per kind of 待办 (orgs: 6, projects: 8 with the evaluations and renewal reviews, …) plus the panels;
    # constant in the number of rows.
    query_budget(_communities(tree_a), lambda: client.get("/"), sizes=SIZES, warm=True, expected=27,
                 rows=lambda response: dict(response.context["region_stats"]).get(RegionLevel.COMMUNITY.label, 0))


def test_audit_list_query_count_is_exact(users, tree_a, client_for, query_budget):
    client = client_for(users["admin_a"])
    _add_communities(tree_a, 45)

    def make_rows(count: int) -> None:
        with tenant_context(tree_a["tenant"]):
            done = AuditEvent.objects.filter(action="region.update").count()
            for community in Region.objects.filter(level=RegionLevel.COMMUNITY).order_by("code")[done:done + count]:
                services.region_update(actor=users["admin_a"], region=community, name=community.name + "（改）")

    # warm: renaming regions invalidates the cached roles (governance.role_cache), re-read by the first request.
    query_budget(make_rows, lambda: client.get("/audit/"), sizes=(2, 40), expected=8, warm=True, rows=_page_rows)
