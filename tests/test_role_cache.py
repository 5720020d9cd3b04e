"""Roles in the Django cache (governance.role_cache): one look-up per user, invalidated on every change."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import services
from governance.models import RoleAssignment
from governance.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def _role_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "governance_roleassignment" in q["sql"]]


def _me(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    return response.json()


def test_me_reads_the_roles_once_then_from_the_cache(api_for, users, tree_a):
    api = api_for(users["street_a"])
    with CaptureQueriesContext(connection) as first:
        roles = _me(api)["roles"]
    with CaptureQueriesContext(connection) as second:
        assert _me(api)["roles"] == roles
    assert len(_role_queries(first)) == 1 and _role_queries(second) == []
    assert roles == [{"role": "street_staff", "role_display": "街道工作人员", "region_id": tree_a["street"].pk,
                      "region_name": "广东路街道", "region_code": tree_a["street"].code}]
    # The token's row is in the cache as well (governance.api.token_cache): a warm request sends no query.
    assert [q["sql"] for q in second.captured_queries if "SAVEPOINT" not in q["sql"] and "set_config" not in q["sql"]] == []


def test_assigning_and_revoking_a_role_is_seen_at_once(api_for, users, tree_a):
    api = api_for(users["street_a"])
    assert len(_me(api)["roles"]) == 1
    with tenant_context(tree_a["tenant"]):
        assignment = services.role_assign(actor=users["admin_a"], user=users["street_a"],
                                          region=tree_a["street2"], role="street_staff")
    assert {row["region_id"] for row in _me(api)["roles"]} == {tree_a["street"].pk, tree_a["street2"].pk}
    assert api.get(f"/api/v1/regions/{tree_a['community2'].pk}/").status_code == 200
    with tenant_context(tree_a["tenant"]):
        services.role_revoke(actor=users["admin_a"], assignment=assignment)
    assert len(_me(api)["roles"]) == 1
    assert api.get(f"/api/v1/regions/{tree_a['community2'].pk}/").status_code == 404


def test_a_change_outside_the_services_is_seen_too(api_for, users, tree_a):
    api = api_for(users["street_a"])
    assert len(_me(api)["roles"]) == 1
    with tenant_context(tree_a["tenant"]):
        RoleAssignment.objects.filter(user=users["street_a"]).get().delete()  # e.g. the admin
    assert _me(api)["roles"] == []
    assert api.get(f"/api/v1/regions/{tree_a['street'].pk}/").status_code == 404


def test_renaming_a_region_refreshes_every_users_roles(api_for, users, tree_a):
    api = api_for(users["street_a"])
    assert _me(api)["roles"][0]["region_name"] == "广东路街道"
    with tenant_context(tree_a["tenant"]):
        services.region_update(actor=users["admin_a"], region=tree_a["street"], name="广东路街道办事处")
    assert _me(api)["roles"][0]["region_name"] == "广东路街道办事处"


def test_cache_entries_are_per_tenant_and_user(api_for, users):
    a, b = _me(api_for(users["admin_a"])), _me(api_for(users["admin_b"]))
    assert a["tenant"]["slug"] == "hengyang" and b["tenant"]["slug"] == "zhuzhou"
    assert {r["region_code"] for r in a["roles"]}.isdisjoint({r["region_code"] for r in b["roles"]})


def test_without_a_shared_cache_the_roles_are_read_each_request(api_for, users, settings):
    settings.ROLE_CACHE_SECONDS = 0
    api = api_for(users["street_a"])
    _me(api)
    with CaptureQueriesContext(connection) as ctx:
        _me(api)
    assert len(_role_queries(ctx)) == 1


@pytest.mark.parametrize(("redis_url", "seconds", "token_seconds"),
                         [(None, "0", "0"), ("redis://127.0.0.1:6379/15", "300", "60")])
def test_production_caches_roles_only_in_a_shared_cache(redis_url, seconds, token_seconds):
    import subprocess
    import sys

    from tests.test_settings import BASE_DIR, _prod_env

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s; "
                               "print(s.ROLE_CACHE_SECONDS, s.API_TOKEN_CACHE_SECONDS)"],
        cwd=BASE_DIR, env=_prod_env(REDIS_URL=redis_url, ROLE_CACHE_SECONDS=None, API_TOKEN_CACHE_SECONDS=None),
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [seconds, token_seconds]


# --- the subtree ids cached with the roles (the jurisdiction filter of governance.selectors.scope_to_user) ----

def _region_ids(api, **params) -> set[int]:
    response = api.get("/api/v1/regions/", {"page_size": 100, **params})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_the_scope_filters_by_the_cached_subtree_ids_without_a_region_join(api_for, users, tree_a):
    from governance.models import Region
    from governance.selectors import scope_to_user

    street = tree_a["street"]
    with tenant_context(tree_a["tenant"]):
        expected = set(Region.objects.filter(path__startswith=street.path).values_list("pk", flat=True))
        user = users["street_a"]
        queryset = scope_to_user(Region.objects.all(), user, region_field="")
        with CaptureQueriesContext(connection) as ctx:
            assert set(queryset.values_list("pk", flat=True)) == expected
        sql = ctx.captured_queries[-1]["sql"]
        assert "LIKE" not in sql and ("json_each" in sql or "ANY(" in sql)
        # Through a foreign key: the key's column, no join on the region table.
        from orgs.models import Organization
        org_sql = str(scope_to_user(Organization.objects.all(), user).query)
        assert "governance_region" not in org_sql
    assert _region_ids(api_for(user)) == expected


def test_a_region_added_in_bulk_is_seen_at_once(api_for, users, tree_a):
    from governance.models import Region, RegionLevel

    api = api_for(users["street_a"])
    before = _region_ids(api)
    street = tree_a["street"]
    with tenant_context(tree_a["tenant"]):
        Region.objects.bulk_create([Region(tenant=tree_a["tenant"], parent=street, level=RegionLevel.COMMUNITY,
                                           code="430405001099", name="新建社区", path=f"{street.path}430405001099/",
                                           depth=street.depth + 1)])
        new = Region.objects.get(code="430405001099")
    assert _region_ids(api) == before | {new.pk}
    assert api.get(f"/api/v1/regions/{new.pk}/").status_code == 200


def test_a_region_created_by_the_service_is_seen_at_once(api_for, users, tree_a):
    from governance.models import RegionLevel

    api = api_for(users["street_a"])
    before = _region_ids(api)
    with tenant_context(tree_a["tenant"]):
        new = services.region_create(actor=users["admin_a"], parent=tree_a["community"], level=RegionLevel.GRID,
                                     code="430405001001009", name="第九网格")
    assert _region_ids(api) == before | {new.pk}


def test_a_region_moved_by_an_update_leaves_the_subtree(api_for, users, tree_a):
    from governance.models import Region

    api = api_for(users["street_a"])
    grid = tree_a["grid"]
    assert grid.pk in _region_ids(api)
    with tenant_context(tree_a["tenant"]):
        Region.objects.filter(pk=grid.pk).update(parent=tree_a["community2"],
                                                 path=f"{tree_a['community2'].path}{grid.code}/")
    assert grid.pk not in _region_ids(api)
    assert api.get(f"/api/v1/regions/{grid.pk}/").status_code == 404


def test_without_the_role_cache_the_scope_is_the_same(api_for, users, tree_a, settings):
    names = ("street_a", "admin_a", "community_a", "street_b")
    cached = {name: (_region_ids(api_for(users[name])), _region_ids(api_for(users[name]), level=5)) for name in names}
    assert all(ids for ids, _communities in cached.values())
    settings.ROLE_CACHE_SECONDS = 0
    for name in names:
        api = api_for(users[name])
        assert (_region_ids(api), _region_ids(api, level=5)) == cached[name]


def test_the_id_array_filter_takes_more_ids_than_sqlite_parameters(in_tenant, tree_a):
    from django.db.models import F

    from governance.id_array import IdIn
    from governance.models import Region

    with in_tenant(tree_a["tenant"]):
        ids = [tree_a["street"].pk, *range(10**6, 10**6 + 40_000)]
        assert list(Region.objects.filter(IdIn(F("pk"), ids)).values_list("pk", flat=True)) == [tree_a["street"].pk]
        assert not Region.objects.filter(IdIn(F("pk"), [])).exists()
        # Through a foreign key, combined with other conditions and with OR.
        children = Region.objects.filter(IdIn(F("parent"), [tree_a["street"].pk]))
        assert set(children.values_list("pk", flat=True)) == {tree_a["community"].pk, tree_a["community_other"].pk}
        either = children | Region.objects.filter(IdIn(F("pk"), [tree_a["grid"].pk]))
        assert either.count() == 3


def test_a_scope_over_the_whole_tenant_needs_no_id_list(api_for, users, tree_a):
    """The tenant administrator holds every region: the filter is the key's presence, not hundreds of ids;
    a street user's is still the id list. A region added later is seen by both at once."""
    from governance.models import Region, RegionLevel
    from governance.selectors import scope_to_user

    with tenant_context(tree_a["tenant"]):
        every = set(Region.objects.values_list("pk", flat=True))
        admin_qs = scope_to_user(Region.objects.all(), users["admin_a"], region_field="")
        with CaptureQueriesContext(connection) as ctx:
            assert set(admin_qs.values_list("pk", flat=True)) == every
        sql = ctx.captured_queries[-1]["sql"]
        assert "json_each" not in sql and "ANY(" not in sql and "LIKE" not in sql
        street_sql = str(scope_to_user(Region.objects.all(), users["street_a"], region_field="").query)
        assert "json_each" in street_sql or "ANY(" in street_sql
    admin, street = api_for(users["admin_a"]), api_for(users["street_a"])
    assert _region_ids(admin) == every
    root = tree_a["root"]
    with tenant_context(tree_a["tenant"]):
        Region.objects.bulk_create([Region(tenant=tree_a["tenant"], parent=root, level=RegionLevel.DISTRICT,
                                           code="430499", name="新区", path=f"{root.path}430499/",
                                           depth=root.depth + 1)])
        new = Region.objects.get(code="430499")
    assert _region_ids(admin) == every | {new.pk}
    assert new.pk not in _region_ids(street)
