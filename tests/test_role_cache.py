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
