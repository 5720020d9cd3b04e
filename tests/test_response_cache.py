"""Whole list responses cached by the tenant's data version (governance.response_cache, governance.data_version).

PostgreSQL only: the version comes from its statement-level triggers. The requests run outside a test
transaction (``transaction=True``) because a transaction that has written never uses the cache.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from conftest import _page_queries
from governance import data_version, services
from governance.data_version import current_version, watched_tables
from governance.models import DataChange, User
from governance.tenancy import tenant_context
from orgs.models import Organization
from orgs.tests.factories import OrganizationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.RESPONSE_CACHE_SECONDS = 300


def version_of(tenant) -> str:
    with tenant_context(tenant):
        return current_version(tenant.pk)


def test_every_table_of_the_project_has_its_change_trigger():
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'gov_data_changed%%'")
        triggered = {row[0].strip('"') for row in cursor.fetchall()}
    tables = {table for table, _has_tenant, _columns in watched_tables()}
    assert {"orgs_organization", "governance_region", "governance_roleassignment", "governance_user",
            "projects_contract"} <= tables
    assert "governance_auditevent" not in tables and "governance_datachange" not in tables
    assert tables - triggered == set()


def test_every_kind_of_write_moves_only_its_tenants_version(tree_a, tree_b, users):
    a, b = tree_a["tenant"], tree_b["tenant"]
    start_a, start_b = version_of(a), version_of(b)
    with tenant_context(a):
        org = OrganizationFactory(region=tree_a["community"])
    after_save = version_of(a)
    assert after_save != start_a and version_of(b) == start_b
    with tenant_context(a):
        Organization.objects.filter(pk=org.pk).update(volunteers=5)       # a queryset update
    after_update = version_of(a)
    assert int(after_update) > int(after_save) and version_of(b) == start_b
    with tenant_context(a):
        Organization.objects.filter(pk=-1).update(volunteers=5)           # no row: nothing changed
    assert version_of(a) == after_update
    with tenant_context(a), connection.cursor() as cursor:                 # raw SQL, as psql would
        cursor.execute("DELETE FROM orgs_organization WHERE id = %s", [org.pk])
    after_delete = version_of(a)
    assert int(after_delete) > int(after_update) and version_of(b) == start_b
    # A user's sign-in time is not data of any list; a rename is (every tenant's version moves).
    User.objects.filter(pk=users["street_a"].pk).update(last_login="2026-01-01T00:00:00Z")
    assert version_of(a) == after_delete and version_of(b) == start_b
    User.objects.filter(pk=users["street_a"].pk).update(display_name="改名")
    assert int(version_of(a)) > int(after_delete) and int(version_of(b)) > int(start_b)


def test_a_transaction_that_wrote_has_no_version_and_a_rollback_leaves_it(tree_a):
    a = tree_a["tenant"]
    before = version_of(a)
    with pytest.raises(RuntimeError), tenant_context(a):
        OrganizationFactory(region=tree_a["community"])
        assert current_version(a.pk) is None                               # its own rows may still roll back
        raise RuntimeError("roll back")
    assert version_of(a) == before


def test_the_compaction_keeps_every_version_and_can_run_twice(tree_a, tree_b):
    a, b = tree_a["tenant"], tree_b["tenant"]
    with tenant_context(a):
        OrganizationFactory(region=tree_a["community"])
    before = version_of(a), version_of(b)
    assert DataChange.objects.exists()
    data_version.compact()
    assert not DataChange.objects.exists()
    data_version.compact()
    assert (version_of(a), version_of(b)) == before


def _list(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:300]
    return response, _page_queries(ctx.captured_queries)


def _grow(tree, n):
    with tenant_context(tree["tenant"]):
        for _ in range(n):
            OrganizationFactory(region=tree["community"])


@pytest.mark.parametrize("size", [3, 25])
def test_a_list_api_answers_from_the_cache_until_a_write_with_one_query(api_for, tree_a, users, size):
    _grow(tree_a, size)
    client = api_for(users["admin_a"])
    url = "/api/v1/orgs/?page_size=50"
    first, first_queries = _list(client, url)
    second, second_queries = _list(client, url)
    assert first["X-Response-Cache"] == "miss" and second["X-Response-Cache"] == "hit"
    assert second.content == first.content and second["Content-Type"] == first["Content-Type"]
    assert json.loads(second.content)["count"] == size
    assert len(second_queries) == 3 < len(first_queries), second_queries                           # BEGIN, the version, COMMIT
    _grow(tree_a, 1)
    third, _ = _list(client, url)
    assert third["X-Response-Cache"] == "miss" and json.loads(third.content)["count"] == size + 1


def test_entries_are_per_user_tenant_and_language(api_for, tree_a, tree_b, users):
    _grow(tree_a, 2)
    with tenant_context(tree_a["tenant"]):
        OrganizationFactory(region=tree_a["community2"])                  # outside street_a's street
    _grow(tree_b, 1)
    url = "/api/v1/orgs/?page_size=50"
    counts = {}
    for name in ("admin_a", "street_a", "admin_b"):
        client = api_for(users[name])
        _list(client, url)
        response, _ = _list(client, url)
        assert response["X-Response-Cache"] == "hit"
        counts[name] = json.loads(response.content)["count"]
    assert counts == {"admin_a": 3, "street_a": 2, "admin_b": 1}
    english, _ = _list(api_for(users["admin_a"]), url, HTTP_ACCEPT_LANGUAGE="en")
    assert english["X-Response-Cache"] == "miss"


def test_a_changed_role_is_seen_at_once(api_for, tree_a, users):
    _grow(tree_a, 2)
    with tenant_context(tree_a["tenant"]):
        OrganizationFactory(region=tree_a["community2"])
    client = api_for(users["street_a"])
    url = "/api/v1/orgs/?page_size=50"
    _list(client, url)
    assert json.loads(_list(client, url)[0].content)["count"] == 2
    with tenant_context(tree_a["tenant"]):
        services.role_assign(actor=users["admin_a"], user=users["street_a"], region=tree_a["street2"],
                             role="street_staff")
    response, _ = _list(client, url)
    assert response["X-Response-Cache"] == "miss" and json.loads(response.content)["count"] == 3


def test_an_html_list_page_is_cached_but_never_with_messages(client_for, tree_a, users):
    _grow(tree_a, 3)
    client = client_for(users["admin_a"])
    client.get("/")                                                        # the CSRF cookie, as a browser has it
    first, _ = _list(client, "/orgs/")
    second, second_queries = _list(client, "/orgs/")
    assert first["X-Response-Cache"] == "miss" and second["X-Response-Cache"] == "hit"
    assert second.content == first.content
    assert len(second_queries) == 5, second_queries  # session, user, BEGIN, the version, COMMIT
    # A page with a message to show renders it and is neither served from nor stored in the cache.
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.SUCCESS, "保存成功")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    with_message = client.get("/orgs/")
    assert "X-Response-Cache" not in with_message and "保存成功" in with_message.content.decode()
    again, _ = _list(client, "/orgs/")
    assert again["X-Response-Cache"] == "hit" and "保存成功" not in again.content.decode()


def test_a_hit_never_happens_inside_a_writing_transaction(api_for, tree_a, users):
    _grow(tree_a, 1)
    client = api_for(users["admin_a"])
    url = "/api/v1/orgs/?page_size=50"
    _list(client, url)
    with transaction.atomic():
        with tenant_context(tree_a["tenant"]):
            OrganizationFactory(region=tree_a["community"])
        response, _ = _list(client, url)
        assert "X-Response-Cache" not in response and json.loads(response.content)["count"] == 2
        transaction.set_rollback(True)
    assert json.loads(_list(client, url)[0].content)["count"] == 1


def test_the_three_ways_to_read_a_version_agree(tree_a, settings):
    """First statement of a scope, prepared (the default) or not, and a later statement: the same version, and
    the scope's settings are in force afterwards (row-level security sees the tenant)."""
    tenant = tree_a["tenant"]
    with tenant_context(tenant):
        OrganizationFactory(region=tree_a["community"])
    prepared = version_of(tenant)
    settings.DATA_VERSION_PREPARED = False
    unprepared = version_of(tenant)
    with tenant_context(tenant):
        assert Organization.objects.count() == 1                           # the scope was sent by the count
        later = current_version(tenant.pk)
    with tenant_context(tenant):
        current_version(tenant.pk)                                         # sends the scope itself
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM orgs_organization")
            assert cursor.fetchone()[0] == 1
    assert prepared == unprepared == later


def test_the_local_layer_serves_repeats_evicts_by_size_and_expires(api_for, tree_a, users, settings, monkeypatch):
    from django.core.cache import cache

    from governance import response_cache

    _grow(tree_a, 2)
    client = api_for(users["admin_a"])
    url = "/api/v1/orgs/?page_size=50"
    first, _ = _list(client, url)
    # The shared cache forgets it (only this worker's keys: tests/settings.py).
    cache.delete_pattern("*") if hasattr(cache, "delete_pattern") else cache.clear()
    second, _ = _list(client, url)
    assert second["X-Response-Cache"] == "hit" and second.content == first.content
    _grow(tree_a, 1)                                                       # a new version: the local entry is moot
    assert _list(client, url)[0]["X-Response-Cache"] == "miss"

    local = response_cache.LocalBodies()
    settings.RESPONSE_CACHE_LOCAL_BYTES = 4 * 1200
    for name in "abcd":
        local.put(name, (b"x" * 1000, []))
    assert local.get("a") is not None                                      # a is now the most recent
    local.put("e", (b"x" * 1000, []))
    assert local.get("b") is None and local.get("a") is not None and local.size <= 4 * 1200
    local.put("huge", (b"x" * 2000, []))                                   # over a quarter of the budget: kept out
    assert local.get("huge") is None
    now = response_cache.time.monotonic()
    monkeypatch.setattr(response_cache.time, "monotonic", lambda: now + settings.RESPONSE_CACHE_SECONDS + 1)
    assert local.get("a") is None
