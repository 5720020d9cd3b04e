"""API tokens are stored hashed, expire, can be listed and revoked by their user (issue 7, item 4)."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import PASSWORD
from governance import services
from governance.models import ApiToken, AuditEvent
from governance.models.tokens import token_digest
from governance.tenancy import tenant_context

TOKEN_URL = "/api/v1/auth/token/"


def _obtain(username, **data):
    response = APIClient().post(TOKEN_URL, {"username": username, "password": PASSWORD, **data}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _me(key):
    return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")


def _events(tenant, action):
    with tenant_context(tenant):
        return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_token_table_holds_no_clear_text_key(users):
    keys = [_obtain("street_a")["token"], _obtain("admin_b", name="巡检脚本")["token"]]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM governance_apitoken")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert stored and not any(key in stored for key in keys)
    assert {token_digest(key) for key in keys} <= set(ApiToken.objects.values_list("digest", flat=True))
    # DRF's clear-text table is gone.
    assert "authtoken_token" not in connection.introspection.table_names()


def test_obtained_token_works_and_expires_after_the_configured_days(users, settings):
    settings.API_TOKEN_EXPIRY_DAYS = 7
    before = timezone.now()
    data = _obtain("street_a", name="报表同步")
    assert set(data) == {"token", "name", "expires_at"} and data["name"] == "报表同步"
    token = ApiToken.objects.get(digest=token_digest(data["token"]))
    assert before + datetime.timedelta(days=7) <= token.expires_at <= timezone.now() + datetime.timedelta(days=7)
    assert _me(data["token"]).json()["username"] == "street_a"  # now the token's row is in the cache too
    with time_machine.travel(token.expires_at + datetime.timedelta(seconds=1)):
        response = _me(data["token"])
    assert response.status_code == 401 and "过期" in response.json()["message"]


def test_default_expiry_is_thirty_days(users):
    token = ApiToken.objects.get(digest=token_digest(_obtain("street_a")["token"]))
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 30


def test_token_creation_is_audited_without_the_key(users, tree_a):
    key = _obtain("street_a")["token"]
    (event,) = _events(tree_a["tenant"], "api_token.create")
    assert event.actor_id == users["street_a"].pk
    assert event.changes["prefix"] == key[:8] and key not in str(event.changes)


def test_token_is_looked_up_once_per_request(users):
    key = _obtain("street_a")["token"]
    with CaptureQueriesContext(connection) as ctx:
        assert _me(key).status_code == 200
    lookups = [q["sql"] for q in ctx.captured_queries if "governance_apitoken" in q["sql"]]
    assert len(lookups) == 1, lookups


def test_oldest_tokens_beyond_the_limit_are_revoked(users, settings):
    settings.API_TOKEN_MAX_ACTIVE = 2
    first, second, third = (_obtain("street_a")["token"] for _ in range(3))
    assert _me(first).status_code == 401
    assert _me(second).status_code == 200 and _me(third).status_code == 200


def test_operator_gets_a_token_too(operator):
    key = _obtain("operator")["token"]
    assert _me(key).json()["username"] == "operator"


# --- the user's token page --------------------------------------------------------------------


def test_token_page_is_in_the_user_menu(users, client_for):
    body = client_for(users["street_a"]).get("/").content.decode()
    assert 'href="/accounts/tokens/"' in body


def test_create_token_on_the_page_shows_the_key_once(users, tree_a, client_for):
    client = client_for(users["street_a"])
    response = client.post("/accounts/tokens/", {"name": "数据对接"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    key = response.context["created_key"]
    assert key in response.content.decode()
    assert _me(key).json()["username"] == "street_a"
    page = client.get("/accounts/tokens/").content.decode()
    assert "数据对接" in page and key[:8] in page and key not in page
    assert [e.changes["name"] for e in _events(tree_a["tenant"], "api_token.create")] == ["数据对接"]


def test_create_token_without_a_name_is_refused(users, client_for):
    response = client_for(users["street_a"]).post("/accounts/tokens/", {"name": "  "})
    assert response.status_code == 200 and response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_token_page_lists_only_own_tokens(users, client_for):
    services.api_token_create(actor=None, user=users["street2_a"], name="别人的令牌")
    services.api_token_create(actor=None, user=users["street_b"], name="外租户令牌")
    services.api_token_create(actor=None, user=users["street_a"], name="我的令牌")
    body = client_for(users["street_a"]).get("/accounts/tokens/").content.decode()
    assert "我的令牌" in body and "别人的令牌" not in body and "外租户令牌" not in body


def test_revoke_own_token_stops_it_and_is_audited(users, tree_a, client_for):
    token, key = services.api_token_create(actor=None, user=users["street_a"], name="旧脚本")
    response = client_for(users["street_a"]).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    response = _me(key)
    assert response.status_code == 401 and "吊销" in response.json()["message"]
    (event,) = _events(tree_a["tenant"], "api_token.revoke")
    assert event.actor_id == users["street_a"].pk and event.changes["name"] == "旧脚本"


@pytest.mark.parametrize("owner", ["street2_a", "street_b"])
def test_revoking_someone_elses_token_is_404(users, client_for, owner):
    token, key = services.api_token_create(actor=None, user=users[owner], name="x")
    client = client_for(users["street_a"])
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    assert _me(key).status_code == 200


def test_token_page_needs_sign_in(db, client):
    assert client.get("/accounts/tokens/").status_code == 302


# --- the migration away from DRF's authtoken table -------------------------------------------


class _Editor:
    def __init__(self):
        self.connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_migration_moves_old_clear_text_keys_as_hashes(users):
    migration = importlib.import_module("governance.migrations.0007_apitoken")
    old_key = "a" * 40
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, user_id bigint)")
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)",
                       [old_key, timezone.now(), users["street_a"].pk])
    migration.move_authtoken_keys(apps, _Editor())
    assert "authtoken_token" not in connection.introspection.table_names()
    assert ApiToken.objects.get(digest=token_digest(old_key)).user_id == users["street_a"].pk
    assert _me(old_key).json()["username"] == "street_a"


# --- the token cache (governance.api.token_cache, issue 8) -----------------------------------


def _token_queries(key) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert _me(key).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "governance_apitoken" in q["sql"]]


def test_a_token_is_read_from_the_cache_after_its_first_request(users):
    key = _obtain("street_a")["token"]
    assert len(_token_queries(key)) == 1
    assert _token_queries(key) == []


def test_the_cache_holds_neither_the_key_nor_the_password_hash(users):
    from django.core.cache import cache

    from governance.api import token_cache

    key = _obtain("street_a")["token"]
    _me(key)
    entry = cache.get(token_cache._key(token_digest(key)))
    assert entry is not None
    flat = str(entry)
    assert key not in flat and users["street_a"].password not in flat and "street_a" in flat


def test_a_revoked_token_is_refused_at_once(users, client_for):
    token, key = services.api_token_create(actor=None, user=users["street_a"], name="脚本")
    _me(key), _me(key)  # cached
    services.api_token_revoke(actor=users["street_a"], token=token)
    response = _me(key)
    assert response.status_code == 401 and "吊销" in response.json()["message"]


def test_a_deleted_token_is_refused_at_once(users):
    token, key = services.api_token_create(actor=None, user=users["street_a"], name="脚本")
    _me(key)
    token.delete()
    assert _me(key).status_code == 401


def test_a_deactivated_user_is_refused_at_once(users):
    _token, key = services.api_token_create(actor=None, user=users["street_a"], name="脚本")
    _me(key)
    user = users["street_a"]
    user.is_active = False
    user.save()  # as the admin's user form does
    response = _me(key)
    assert response.status_code == 401 and response.json()["message"] == "用户已停用或已删除。"


def test_a_deactivated_tenant_is_refused_at_once(users, tree_a):
    _token, key = services.api_token_create(actor=None, user=users["street_a"], name="脚本")
    _me(key)
    tenant = tree_a["tenant"]
    tenant.is_active = False
    tenant.save(update_fields=["is_active"])
    assert _me(key).status_code == 401


def test_a_renamed_user_is_seen_at_once_and_a_sign_in_keeps_the_entry(users):
    _token, key = services.api_token_create(actor=None, user=users["street_a"], name="脚本")
    _me(key)
    user = users["street_a"]
    user.display_name = "王街道"
    user.save(update_fields=["display_name"])
    assert _me(key).json()["display_name"] == "王街道"
    user.save(update_fields=["last_login"])  # what a sign-in writes: the entry stays
    assert _token_queries(key) == []


def test_a_role_change_applies_at_once_to_a_cached_token(users, tree_a):
    _token, key = services.api_token_create(actor=None, user=users["street_a"], name="脚本")
    community2 = f"/api/v1/regions/{tree_a['community2'].pk}/"
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(community2).status_code == 404
    assert _token_queries(key) == []  # the token is cached from here on
    with tenant_context(tree_a["tenant"]):
        assignment = services.role_assign(actor=users["admin_a"], user=users["street_a"],
                                          region=tree_a["street2"], role="street_staff")
    assert client.get(community2).status_code == 200
    with tenant_context(tree_a["tenant"]):
        services.role_revoke(actor=users["admin_a"], assignment=assignment)
    assert client.get(community2).status_code == 404


def test_without_a_token_cache_every_request_reads_the_token(users, settings):
    settings.API_TOKEN_CACHE_SECONDS = 0
    key = _obtain("street_a")["token"]
    _me(key)
    assert len(_token_queries(key)) == 1
