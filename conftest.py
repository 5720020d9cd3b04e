"""Shared fixtures: two tenants with small real-coded trees, and one user per role.

Tenant A (衡阳市 4304): district 珠晖区 430405 → streets 430405001 / 430405002 → communities → grids.
Tenant B (株洲市 4302): district 荷塘区 430202 → street 430202001 → community → grid.
"""

from __future__ import annotations

import pytest
from django.db import connection

from governance import services
from governance.models import Region, RegionLevel, Role, Tenant, User
from governance.tenancy import all_tenants, tenant_context

PASSWORD = "Test-Passw0rd!"


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are reported as skipped, with the reason, on the embedded default."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))
    if on_postgres:
        return
    marker = pytest.mark.skip(reason="needs PostgreSQL: runs in the DATABASE_URL pass of .ci/run")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(marker)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the platform's default language (Simplified Chinese). A request in English (the
    locale middleware activates the request's language and leaves it active in the thread) must not make a
    later test in the same worker see English messages."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    """Tests run tasks in-process even when REDIS_URL points at a real broker."""
    from governance.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")  # Redis: only this worker's keys (tests/settings.py), not the others'
    else:
        cache.clear()
    from governance.response_cache import LOCAL

    LOCAL.clear()
    yield


def _region(tenant, parent, level, code, name):
    return services.region_create(actor=None, parent=parent, level=level, code=code, name=name)




def _build_tenant(slug, name, root_code, root_name, plan):
    with all_tenants():
        tenant = services.tenant_create(
            actor=None, name=name, slug=slug, root_code=root_code, root_name=root_name, root_level=RegionLevel.CITY
        )
    tree = {"tenant": tenant}
    with tenant_context(tenant):
        tree["root"] = services.tenant_root(tenant)
        for key, parent_key, level, code, region_name in plan:
            tree[key] = _region(tenant, tree[parent_key], level, code, region_name)
    return tree


@pytest.fixture
def tree_a(db):
    return _build_tenant("hengyang", "衡阳市民政局", "4304", "衡阳市", [
        ("district", "root", RegionLevel.DISTRICT, "430405", "珠晖区"),
        ("street", "district", RegionLevel.STREET, "430405001", "广东路街道"),
        ("street2", "district", RegionLevel.STREET, "430405002", "东风路街道"),
        ("community", "street", RegionLevel.COMMUNITY, "430405001001", "建设社区"),
        ("community_other", "street", RegionLevel.COMMUNITY, "430405001002", "和平社区"),
        ("community2", "street2", RegionLevel.COMMUNITY, "430405002001", "光明社区"),
        ("grid", "community", RegionLevel.GRID, "430405001001001", "第一网格"),
        ("grid2", "community2", RegionLevel.GRID, "430405002001001", "第一网格"),
    ])


@pytest.fixture
def tree_b(db):
    return _build_tenant("zhuzhou", "株洲市民政局", "4302", "株洲市", [
        ("district", "root", RegionLevel.DISTRICT, "430202", "荷塘区"),
        ("street", "district", RegionLevel.STREET, "430202001", "月塘街道"),
        ("community", "street", RegionLevel.COMMUNITY, "430202001001", "建设社区"),
        ("grid", "community", RegionLevel.GRID, "430202001001001", "第一网格"),
    ])


@pytest.fixture
def tenant_a(tree_a) -> Tenant:
    return tree_a["tenant"]


@pytest.fixture
def tenant_b(tree_b) -> Tenant:
    return tree_b["tenant"]


def make_user(tenant, username, role=None, region=None, *, is_staff=False) -> User:
    with tenant_context(tenant):
        user = services.user_create(
            actor=None, tenant=tenant, username=username, password=PASSWORD, display_name=username, is_staff=is_staff
        )
        if role is not None:
            services.role_assign(actor=None, user=user, region=region, role=role)
    return user


@pytest.fixture
def users(tree_a, tree_b):
    """One user per role in tenant A (at a realistic node), and an admin and street user in tenant B."""
    a, b = tree_a, tree_b
    return {
        "admin_a": make_user(a["tenant"], "admin_a", Role.TENANT_ADMIN, a["root"], is_staff=True),
        "street_a": make_user(a["tenant"], "street_a", Role.STREET_STAFF, a["street"]),
        "street2_a": make_user(a["tenant"], "street2_a", Role.STREET_STAFF, a["street2"]),
        "community_a": make_user(a["tenant"], "community_a", Role.COMMUNITY_STAFF, a["community"]),
        "grid_a": make_user(a["tenant"], "grid_a", Role.GRID_WORKER, a["grid"]),
        "expert_a": make_user(a["tenant"], "expert_a", Role.EXPERT, a["root"]),
        "org_a": make_user(a["tenant"], "org_a", Role.ORG_USER, a["root"]),
        "party_a": make_user(a["tenant"], "party_a", Role.PARTY_OFFICER, a["district"]),
        "auditor_a": make_user(a["tenant"], "auditor_a", Role.AUDITOR, a["district"]),
        "norole_a": make_user(a["tenant"], "norole_a"),
        "admin_b": make_user(b["tenant"], "admin_b", Role.TENANT_ADMIN, b["root"], is_staff=True),
        "street_b": make_user(b["tenant"], "street_b", Role.STREET_STAFF, b["street"]),
    }


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_superuser("operator", "op@example.com", PASSWORD)


@pytest.fixture
def client_for(client):
    """``client_for(user)`` → a Django test client signed in as ``user``."""
    from django.test import Client

    def _make(user):
        c = Client()
        c.force_login(user)
        return c

    return _make


@pytest.fixture
def api_for():
    """``api_for(user)`` → a DRF APIClient authenticated with a token of the user (not a session)."""
    from rest_framework.test import APIClient

    def _make(user):
        c = APIClient()
        _token, key = services.api_token_create(actor=user, user=user, name="tests")
        c.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return c

    return _make


@pytest.fixture
def in_tenant():
    """``with in_tenant(tenant): ...`` for service/selector tests."""
    return tenant_context


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


__all__ = ["PASSWORD", "Region", "make_user"]


def pytest_configure(config):
    """A fast password hasher: the fixtures create a dozen users per test."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- query budgets ---------------------------------------------------------------------------

# The tenant scope's own statements (PostgreSQL's set_config() for row-level security) are not the
# page's queries: left out, so that one expected number holds on SQLite and PostgreSQL alike.
_SCOPE_SQL = "set_config('app.tenant_id'"


def _page_queries(captured) -> list[str]:
    return [query["sql"] for query in captured if _SCOPE_SQL not in query["sql"]]


@pytest.fixture
def query_budget(db):
    """``query_budget(make_rows, request_fn, sizes=(3, 25), expected=N)``: exact query counts at two sizes.

    For each size ``make_rows(n)`` adds ``n`` rows (3, then 22 more), then ``request_fn()`` runs while
    its queries are counted. The count must be exactly ``expected`` at both sizes (Zulip's
    ``assert_database_query_count``): a new query, or one per row, fails here and is a one-line diff
    someone reviews. ``request_fn`` may return a response (it must answer 200). ``rows(result)``, if
    given, tells how many rows the result shows; it must grow with the size, so an empty page cannot
    pass. The first measurement follows one uncounted run of ``request_fn`` (the steady state: e.g. the
    user's roles are in the cache, governance.role_cache); ``warm=True`` runs it before the second one too
    (session and cache look-ups of a first request). Returns the count.
    """
    from django.test.utils import CaptureQueriesContext

    def measure(request_fn, warm):
        if warm:
            request_fn()
        with CaptureQueriesContext(connection) as ctx:
            result = request_fn()
        status = getattr(result, "status_code", 200)
        assert status == 200, f"the measured request answered {status}: {getattr(result, 'content', b'')[:300]!r}"
        return _page_queries(ctx.captured_queries), result

    def check(make_rows, request_fn, *, expected: int, sizes=(3, 25), rows=None, warm: bool = False) -> int:
        small_size, large_size = sizes
        assert 0 < small_size < large_size, "two sizes, the second larger"
        make_rows(small_size)
        small, small_result = measure(request_fn, True)
        make_rows(large_size - small_size)
        large, large_result = measure(request_fn, warm)
        if rows is not None:
            assert rows(large_result) > rows(small_result), "the larger size must show more rows"
        added = "\n".join(sql for sql in large if sql not in small)[:3000]
        assert len(small) == len(large), (
            f"query count grew with rows: {len(small)} at {small_size} → {len(large)} at {large_size}; "
            f"queries of the larger run not in the smaller:\n{added}"
        )
        assert len(large) == expected, (
            f"{len(large)} queries at both sizes, expected exactly {expected}:\n" + "\n".join(large)[:6000]
        )
        return len(large)

    return check
