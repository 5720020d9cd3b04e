"""Defence in depth on PostgreSQL: row-level security holds even for raw SQL; plus the Redis services.

The ``postgres`` tests are reported as skipped on the embedded SQLite default and run in the
``DATABASE_URL`` pass (see the root conftest.py).
"""

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from governance.checks import check_database_role
from governance.models import AuditEvent, Region
from governance.tenancy import (
    all_tenants,
    ensure_row_level_security,
    no_tenant,
    tenant_context,
    tenant_owned_models,
)


def _scalar(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def _region_count_raw():
    return _scalar("SELECT count(*) FROM governance_region")


def _region_tenants_raw():
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tenant_id FROM governance_region")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_tenant_owned_table_has_forced_rls_and_a_policy():
    tables = sorted(model._meta.db_table for model in tenant_owned_models())
    assert {"governance_region", "governance_roleassignment", "governance_auditevent",
            "governance_statuschange"} <= set(tables)
    missing = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relname = %s AND n.nspname = current_schema()",
                [table],
            )
            row = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM pg_policies WHERE tablename = %s AND schemaname = current_schema()",
                           [table])
            policies = cursor.fetchone()[0]
            if row != (True, True) or policies < 1:
                missing.append((table, row, policies))
    assert missing == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_audit_table_policies_are_append_only():
    with connection.cursor() as cursor:
        cursor.execute("SELECT cmd FROM pg_policies WHERE tablename = 'governance_auditevent'")
        commands = {row[0] for row in cursor.fetchall()}
    assert commands == {"SELECT", "INSERT"}


@pytest.mark.postgres
@pytest.mark.django_db
def test_application_role_cannot_bypass_rls():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)
    assert check_database_role(databases=["default"]) == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_deploy_check_runs_without_database_option():
    # ``check --deploy`` passes no ``databases``; the role check must still run (and pass).
    from django.core.checks import run_checks

    assert check_database_role(databases=None) == []
    assert [e.id for e in run_checks(include_deployment_checks=True) if e.id == "governance.E001"] == []


@pytest.mark.postgres
def test_deploy_check_fails_for_a_superuser_role():
    """governance.E001 fires when the application connects as a role that bypasses RLS."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import dj_database_url

    db = settings.DATABASES["default"]
    superuser_url = os.environ.get("POSTGRES_SUPERUSER_URL") or (
        f"postgres://postgres@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )
    probe = subprocess.run(
        [sys.executable, "-c", "import psycopg2, sys; c = psycopg2.connect(sys.argv[1]); "
         "cur = c.cursor(); cur.execute('select rolsuper from pg_roles where rolname = current_user'); "
         "print(cur.fetchone()[0])", superuser_url],
        capture_output=True, text=True, timeout=60,
    )
    if probe.returncode != 0 or probe.stdout.strip() != "True":
        pytest.skip(f"no superuser connection at {dj_database_url.parse(superuser_url)['HOST']} "
                    "(set POSTGRES_SUPERUSER_URL to run this)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "governance.settings_prod", "DATABASE_URL": superuser_url,
                "DJANGO_SECRET_KEY": "k" * 20 + "-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH",
                "DJANGO_ALLOWED_HOSTS": "gov.example.cn", "SENSITIVE_HASH_KEY": "h" * 40,
                "SENSITIVE_FIELD_KEYS": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"],
                            cwd=Path(__file__).resolve().parent.parent, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "governance.E001" in result.stdout + result.stderr


@pytest.mark.postgres
@pytest.mark.django_db
def test_ensure_row_level_security_is_idempotent():
    ensure_row_level_security()
    ensure_row_level_security()
    assert _scalar("SELECT count(*) FROM pg_policies WHERE tablename = 'governance_region'") == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_raw_sql_without_tenant_sees_no_rows(tree_a, tree_b):
    with all_tenants():
        assert Region.objects.count() > 0
        assert _region_count_raw() == Region.objects.count()
    # Autocommit, no tenant: the policy hides every row, even from raw SQL and the unscoped manager.
    assert _region_count_raw() == 0
    assert Region.unscoped.count() == 0
    assert _scalar("SELECT count(*) FROM governance_auditevent") == 0
    with no_tenant():
        assert _region_count_raw() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_raw_sql_inside_tenant_context_sees_only_that_tenant(tree_a, tree_b):
    a, b = tree_a["tenant"], tree_b["tenant"]
    with tenant_context(a):
        assert _region_tenants_raw() == {a.pk}
        count_a = _region_count_raw()
        assert count_a == Region.objects.count()
        # A WHERE clause asking for the other tenant finds nothing either.
        assert _scalar("SELECT count(*) FROM governance_region WHERE tenant_id = %s", [b.pk]) == 0
        with tenant_context(b):
            assert _region_tenants_raw() == {b.pk}
        assert _region_tenants_raw() == {a.pk}  # the outer scope is restored in the same transaction
    # The setting is transaction-local: nothing leaks to the next transaction on this connection.
    assert _region_count_raw() == 0
    with pytest.raises(ValueError), tenant_context(a):
        raise ValueError("boom")
    assert _region_count_raw() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_raw_insert_for_other_tenant_is_rejected(tree_a, tree_b):
    a, b = tree_a["tenant"], tree_b["tenant"]
    street_b = tree_b["street"]
    with tenant_context(a):
        with pytest.raises(DatabaseError, match="row-level security"):
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "INSERT INTO governance_region (tenant_id, parent_id, level, code, name, path, depth) "
                        "VALUES (%s, %s, 5, '430202001009', '越权社区', %s, 4)",
                        [b.pk, street_b.pk, street_b.path + "430202001009/"],
                    )
        # The surrounding transaction survives the refused statement.
        assert Region.objects.count() > 0
        # An UPDATE cannot move a row into another tenant either.
        with pytest.raises(DatabaseError, match="row-level security"):
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("UPDATE governance_region SET tenant_id = %s WHERE id = %s",
                                   [b.pk, tree_a["grid"].pk])
    with all_tenants():
        assert not Region.objects.filter(code="430202001009").exists()
        assert Region.objects.get(pk=tree_a["grid"].pk).tenant_id == a.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_raw_update_and_delete_of_other_tenant_rows_touch_nothing(tree_a, tree_b):
    with tenant_context(tree_a["tenant"]), connection.cursor() as cursor:
        cursor.execute("UPDATE governance_region SET name = 'x' WHERE tenant_id = %s", [tree_b["tenant"].pk])
        assert cursor.rowcount == 0
        cursor.execute("DELETE FROM governance_roleassignment WHERE tenant_id = %s", [tree_b["tenant"].pk])
        assert cursor.rowcount == 0
    with tenant_context(tree_b["tenant"]):
        assert Region.objects.get(pk=tree_b["street"].pk).name == "月塘街道"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_audit_rows_cannot_be_updated_or_deleted_with_sql(users, tree_a):
    with tenant_context(tree_a["tenant"]):
        total = AuditEvent.objects.count()
        assert total > 0
        with connection.cursor() as cursor:
            cursor.execute("UPDATE governance_auditevent SET action = 'forged'")
            assert cursor.rowcount == 0
            cursor.execute("DELETE FROM governance_auditevent")
            assert cursor.rowcount == 0
        assert AuditEvent.objects.count() == total
        assert not AuditEvent.objects.filter(action="forged").exists()
        # The ORM refuses before the database is even asked.
        with pytest.raises(RuntimeError):
            AuditEvent.objects.all().update(action="forged")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_http_requests_run_inside_the_users_tenant(users, tree_a, client_for):
    # With real transactions the request's own set_config is what makes the rows visible.
    response = client_for(users["street_a"]).get(f"/regions/{tree_a['street'].pk}/")
    assert response.status_code == 200
    assert "建设社区" in response.content.decode()
    assert _region_count_raw() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_scope_setting_comes_before_the_first_statement_even_a_savepoint(tree_a, tree_b):
    from django.test.utils import CaptureQueriesContext
    from psycopg2.extensions import TRANSACTION_STATUS_IDLE

    a = tree_a["tenant"]
    with CaptureQueriesContext(connection) as idle, tenant_context(a):
        # The server was sent nothing: no set_config(), and psycopg sends BEGIN only with a first statement.
        assert connection.connection.info.transaction_status == TRANSACTION_STATUS_IDLE
    # Django logs its BEGIN/COMMIT bookkeeping; a commit with no transaction open is a no-op in psycopg.
    assert [q["sql"] for q in idle.captured_queries] in ([], ["BEGIN", "COMMIT"])
    with tenant_context(a):
        with transaction.atomic():  # the first statement is the SAVEPOINT
            assert _region_tenants_raw() == {a.pk}
        with pytest.raises(ValueError), transaction.atomic():
            raise ValueError("rolled back to the savepoint, the setting stays")
        assert _region_tenants_raw() == {a.pk}
    assert _region_count_raw() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_warm_token_request_sends_no_statement(users, tree_a, api_for):
    from django.test.utils import CaptureQueriesContext

    api = api_for(users["street_a"])
    assert api.get("/api/v1/me/").status_code == 200  # token row and roles now in the cache
    with CaptureQueriesContext(connection) as ctx:
        response = api.get("/api/v1/me/")
    assert response.status_code == 200 and response.json()["username"] == "street_a"
    assert [q["sql"] for q in ctx.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")] == []
    # The next list request of the same token still runs in its tenant (the setting precedes its first query).
    regions = api.get("/api/v1/regions/?page_size=200").json()["results"]
    with tenant_context(tree_a["tenant"]):
        ids_a = set(Region.objects.values_list("id", flat=True))
    assert regions and {row["id"] for row in regions} <= ids_a


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL: runs in the PostgreSQL + Redis pass")
def test_redis_cache_and_celery_broker():
    from django.core.cache import caches

    from governance.celery import app

    cache = caches["default"]
    assert type(cache).__module__.startswith("django_redis")
    cache.set("governance-test-key", {"社区": 1}, timeout=30)
    assert cache.get("governance-test-key") == {"社区": 1}
    cache.delete("governance-test-key")
    assert cache.get("governance-test-key") is None
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert app.conf.broker_url.startswith("redis://")
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
