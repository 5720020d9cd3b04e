"""The data version of a tenant, read in one statement (issue 8), for the response cache.

``ensure_change_triggers`` (after every ``migrate``, like the row-level security policies) puts statement-level
triggers on every table of the project's apps: an INSERT, UPDATE or DELETE adds one ``governance_datachange``
row per tenant among the rows it changed (read from the statement's transition table), a TRUNCATE or a write on
a table without a tenant column adds one row for tenant 0, which counts for every tenant. Queryset
``update()``, ``bulk_create``, COPY, raw SQL, the admin and psql are all seen, not only ``save()``.

``current_version(tenant_id)`` is the count of those rows the reader's snapshot sees plus what the compaction
folded into ``governance_dataversion``; both are read by one statement, so a concurrent compaction cannot make
it move. Only committed writes are visible to other transactions, and a committed write only adds rows, so the
version of a tenant changes exactly when a write concerning it commits, and never comes back to an earlier
value. A transaction that has written itself (``txid_current_if_assigned()`` is set) gets None: it sees its own
uncommitted rows, which may still roll back.

Excluded tables: the change tables themselves, and ``EXCLUDED_TABLES`` (the audit log: written by reads such as
exports; no cached view shows it). For the user table only changes of other columns than ``last_login`` count:
signing in does not empty every cache of the platform.

On SQLite there are no triggers and no version: the response cache is off there.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.backends.signals import connection_created

from governance.tenancy import pending_scope

logger = logging.getLogger(__name__)

PROJECT_APPS = ("governance", "orgs", "projects", "grid", "party")
CHANGE_TABLE = "governance_datachange"
VERSION_TABLE = "governance_dataversion"
EXCLUDED_TABLES = {CHANGE_TABLE, VERSION_TABLE, "governance_auditevent"}
# Columns whose change alone does not count: (table, column).
IGNORED_UPDATE_COLUMNS = {"governance_user": {"last_login"}}
# Pending change rows after which a reader asks for a compaction (after its commit).
COMPACT_AFTER = 2000
TRIGGER_PREFIX = "gov_data_changed"

FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {TRIGGER_PREFIX}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_ARGV[0] = 'rows' THEN
        INSERT INTO {CHANGE_TABLE} (tenant_id) SELECT DISTINCT COALESCE(tenant_id, 0) FROM changed_rows;
    ELSE
        INSERT INTO {CHANGE_TABLE} (tenant_id) VALUES (0);
    END IF;
    RETURN NULL;
END
$$
"""  # noqa: S608 (the table names are constants)

VERSION_SQL = f"""
SELECT txid_current_if_assigned() IS NULL,
       COALESCE((SELECT sum(version) FROM {VERSION_TABLE} WHERE tenant_id IN (0, %s)), 0),
       (SELECT count(*) FROM {CHANGE_TABLE} WHERE tenant_id IN (0, %s))
"""  # noqa: S608

# The same with the transaction's tenant scope (governance.tenancy), for a request's first statement.
_SCOPE_COLUMNS = "set_config('app.tenant_id', {0}, true), set_config('app.all_tenants', {1}, true), "
SCOPED_VERSION_SQL = "SELECT " + _SCOPE_COLUMNS.format("%s", "%s") + VERSION_SQL.strip()[len("SELECT "):]
PREPARE_SQL = (
    "PREPARE gov_data_version(text, text, bigint) AS SELECT " + _SCOPE_COLUMNS.format("$1", "$2")
    + VERSION_SQL.strip()[len("SELECT "):].replace("%s", "$3")
)

# One statement: the rows the compaction's snapshot sees leave the change table and their counts go into the
# version table together. A concurrent compaction waits for the rows this one deletes and then skips them.
COMPACT_SQL = f"""
WITH moved AS (DELETE FROM {CHANGE_TABLE} RETURNING tenant_id)
INSERT INTO {VERSION_TABLE} (tenant_id, version)
SELECT tenant_id, count(*) FROM moved GROUP BY tenant_id
ON CONFLICT (tenant_id) DO UPDATE SET version = {VERSION_TABLE}.version + EXCLUDED.version
"""  # noqa: S608


def watched_tables() -> list[tuple[str, bool, list[str]]]:
    """(table, has a tenant column, columns) of every concrete table of the project's apps, the change tables
    and ``EXCLUDED_TABLES`` left out (many-to-many tables included)."""
    tables: dict[str, tuple[bool, list[str]]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in PROJECT_APPS or meta.proxy or not meta.managed:
            continue
        if meta.db_table in EXCLUDED_TABLES:
            continue
        columns = [field.column for field in meta.local_concrete_fields]
        tables[meta.db_table] = ("tenant_id" in columns, columns)
    return [(table, has_tenant, columns) for table, (has_tenant, columns) in sorted(tables.items())]


def trigger_statements(table: str, has_tenant: bool, columns: list[str], quote) -> list[str]:
    name = quote(table)
    statements = [f"DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}_{suffix} ON {name}"
                  for suffix in ("ins", "upd", "del", "trunc", "all")]
    ignored = IGNORED_UPDATE_COLUMNS.get(table, set())
    if has_tenant and not ignored:
        for suffix, event, which in (("ins", "INSERT", "NEW"), ("upd", "UPDATE", "NEW"), ("del", "DELETE", "OLD")):
            statements.append(
                f"CREATE TRIGGER {TRIGGER_PREFIX}_{suffix} AFTER {event} ON {name} "
                f"REFERENCING {which} TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER_PREFIX}('rows')"
            )
        statements.append(f"CREATE TRIGGER {TRIGGER_PREFIX}_trunc AFTER TRUNCATE ON {name} "
                          f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER_PREFIX}('all')")
    else:
        # A column list cannot go with a transition table: every tenant's version moves (rare writes: tenants,
        # users, tokens).
        update = "UPDATE"
        if ignored:
            update = "UPDATE OF " + ", ".join(quote(column) for column in columns if column not in ignored)
        statements.append(
            f"CREATE TRIGGER {TRIGGER_PREFIX}_all AFTER INSERT OR {update} OR DELETE OR TRUNCATE ON {name} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER_PREFIX}('all')"
        )
    return statements


def ensure_change_triggers(using: str = "default") -> int:
    """Create/refresh the change triggers of every watched table (idempotent; PostgreSQL only). Returns the
    number of tables watched."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return 0
    existing = set(conn.introspection.table_names())
    if CHANGE_TABLE not in existing:
        return 0
    count = 0
    with transaction.atomic(using=using), conn.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        for table, has_tenant, columns in watched_tables():
            if table not in existing:
                continue
            for statement in trigger_statements(table, has_tenant, columns, conn.ops.quote_name):
                cursor.execute(statement)
            count += 1
    return count


def current_version(tenant_id: int) -> str | None:
    """The tenant's data version as the current snapshot sees it, or None when there is none to trust (SQLite,
    or this transaction has written and may still roll back).

    When the transaction's tenant scope has not been sent yet (a request's first statement), the same statement
    sends it: a cache hit then costs one round trip besides BEGIN and COMMIT. The statement is prepared once
    per database connection (``DATA_VERSION_PREPARED``; turn it off behind a pooler in transaction mode)."""
    if connection.vendor != "postgresql":
        return None
    scope = pending_scope()
    settings_values = scope.take() if scope is not None else None
    with connection.cursor() as cursor:
        if settings_values is None:
            cursor.execute(VERSION_SQL, [tenant_id, tenant_id])
        elif getattr(settings, "DATA_VERSION_PREPARED", True):
            if not getattr(connection, "gov_version_prepared", False):
                # Once per connection (PREPARE outlives a rollback; a session that has it keeps it).
                cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = 'gov_data_version'")
                if cursor.fetchone() is None:
                    cursor.execute(PREPARE_SQL)
                connection.gov_version_prepared = True
            cursor.execute("EXECUTE gov_data_version(%s, %s, %s)", [*settings_values, tenant_id])
        else:
            cursor.execute(SCOPED_VERSION_SQL, [*settings_values, tenant_id, tenant_id])
        clean, folded, pending = cursor.fetchone()[-3:]
    if not clean:
        return None
    if pending > COMPACT_AFTER:
        transaction.on_commit(compact_soon)
    return str(folded + pending)


def compact() -> int:
    """Fold the visible change rows into the version table (idempotent, safe to run concurrently and to retry:
    no version changes). Returns the number of tenants whose counts moved."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(COMPACT_SQL)
        return cursor.rowcount


def compact_soon() -> None:
    """After a reader's commit, at most one compaction per minute across processes (the shared cache)."""
    if not cache.add("data_version:compacting", 1, timeout=60):
        return
    try:
        compact()
    except Exception:  # a reader's request must not fail for the housekeeping; the periodic task retries
        logger.exception("data version compaction failed")


def _forget_prepared(sender, connection, **kwargs) -> None:
    """A new database session has no prepared statements."""
    connection.gov_version_prepared = False


connection_created.connect(_forget_prepared, dispatch_uid="governance.data_version.prepared")
