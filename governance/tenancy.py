"""Tenant context, fail-closed managers and PostgreSQL row-level security.

* ``tenant_context(tenant)`` activates one tenant for the current thread/task (a context variable)
  and, inside one database transaction, sets ``app.tenant_id`` with ``set_config(..., true)`` so that
  PostgreSQL's row-level security policies see it.
* ``all_tenants()`` is the explicit cross-tenant path (platform operator, management commands,
  province-level reports). It sets ``app.all_tenants = 'on'`` for the transaction.
* ``TenantOwnedModel`` is the declaration a tenant-owned model makes: a ``tenant`` foreign key first
  in its indexes, the fail-closed ``TenantManager`` as default manager, and (on PostgreSQL) the RLS
  policy that ``ensure_row_level_security`` creates after every ``migrate``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from governance.exceptions import ApplicationError

if TYPE_CHECKING:
    from governance.models import Tenant


class TenantNotSetError(RuntimeError):
    """A tenant-owned table was queried with no active tenant (fail closed)."""


class _AllTenants:
    """Sentinel for the explicit cross-tenant scope."""

    pk = None
    id = None

    def __repr__(self) -> str:
        return "<all tenants>"


ALL_TENANTS = _AllTenants()
_current_tenant: contextvars.ContextVar = contextvars.ContextVar("current_tenant", default=None)


def get_current_tenant():
    """The active Tenant, ``ALL_TENANTS`` in the cross-tenant scope, or None."""
    return _current_tenant.get()


def get_current_tenant_id() -> int | None:
    tenant = _current_tenant.get()
    return None if tenant is None or tenant is ALL_TENANTS else tenant.pk


def require_tenant(tenant=None, *, allow_all: bool = False):
    """The one guard of services that write for a tenant: returns the active tenant or refuses.

    Refuses (``ApplicationError``) with no active tenant, in the all-tenants scope unless
    ``allow_all`` (then ``ALL_TENANTS`` is returned), and when ``tenant`` is given but another
    tenant is active.
    """
    current = _current_tenant.get()
    if current is ALL_TENANTS and allow_all:
        return current
    if current is None or current is ALL_TENANTS or (tenant is not None and current.pk != tenant.pk):
        raise ApplicationError(_("This operation must run inside the tenant's own scope."))
    return current


def actor_or_none(actor):
    """The acting user to store on a row, or None for the system (scheduled jobs, anonymous)."""
    return actor if getattr(actor, "pk", None) else None


def _db_settings_for(tenant) -> tuple[str, str]:
    if tenant is ALL_TENANTS:
        return "", "on"
    if tenant is None:
        return "", ""
    return str(tenant.pk), ""


def _apply_db_settings(tenant) -> None:
    if connection.vendor != "postgresql":
        return
    tenant_id, all_flag = _db_settings_for(tenant)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('app.tenant_id', %s, true), set_config('app.all_tenants', %s, true)",
            [tenant_id, all_flag],
        )


@contextmanager
def _db_settings_before_first_query(tenant) -> Iterator[None]:
    """Send the ``set_config()`` just before the block's first statement, not at its start.

    A block that runs no query (``/api/v1/me/`` with the token and the roles in the cache) then costs no round
    trip at all: psycopg sends BEGIN with the first statement, and a commit with none sent is a no-op. The
    first statement of any kind, a savepoint included, comes after the settings.
    """
    pending = PendingScope(tenant)

    def before_first(execute, sql, params, many, context):
        if not pending.applied:
            pending.applied = True
            _apply_db_settings(tenant)  # its own statement passes through here with ``applied`` set
        return execute(sql, params, many, context)

    previous = getattr(connection, "gov_pending_scope", None)
    connection.gov_pending_scope = pending
    try:
        with connection.execute_wrapper(before_first):
            yield
    finally:
        connection.gov_pending_scope = previous


class PendingScope:
    """The tenant scope of a transaction whose ``set_config()`` has not been sent yet. A statement that sends
    the settings itself (``governance.data_version``: one round trip for the scope and the data version) takes
    them with ``take()`` and the next statement goes straight through."""

    __slots__ = ("applied", "tenant")

    def __init__(self, tenant):
        self.tenant, self.applied = tenant, False

    def take(self) -> tuple[str, str] | None:
        """The (tenant id, all-tenants flag) settings still to send, marked as sent; None if they went."""
        if self.applied:
            return None
        self.applied = True
        return _db_settings_for(self.tenant)


def pending_scope() -> PendingScope | None:
    return getattr(connection, "gov_pending_scope", None)


@contextmanager
def _activate(tenant) -> Iterator:
    previous = _current_tenant.get()
    token = _current_tenant.set(tenant)
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                # The whole transaction (a request, a task): its commit ends the local settings.
                with _db_settings_before_first_query(tenant):
                    yield tenant
            else:
                _apply_db_settings(tenant)
                yield tenant
                # Leaving normally: restore the outer scope for the rest of the transaction. On an
                # exception the savepoint rollback undoes the set_config() above by itself.
                if not outermost:
                    _apply_db_settings(previous)
    finally:
        _current_tenant.reset(token)


@contextmanager
def tenant_context(tenant: Tenant) -> Iterator[Tenant]:
    """Run the block as ``tenant``: ORM scope plus the PostgreSQL setting, in one transaction."""
    if tenant is None or tenant is ALL_TENANTS or not getattr(tenant, "pk", None):
        raise TenantNotSetError("tenant_context() needs a saved Tenant")
    with _activate(tenant) as active:
        yield active


@contextmanager
def all_tenants() -> Iterator[_AllTenants]:
    """The explicit cross-tenant path (operators, management commands, cross-tenant reports)."""
    with _activate(ALL_TENANTS) as active:
        yield active


@contextmanager
def no_tenant() -> Iterator[None]:
    """Run the block with no tenant at all (used by tests to prove fail-closed behaviour)."""
    with _activate(None):
        yield None


class TenantQuerySet(models.QuerySet):
    pass


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Default manager of tenant-owned models: filters by the active tenant, raises with none."""

    use_in_migrations = False

    def get_queryset(self):
        tenant = _current_tenant.get()
        queryset = super().get_queryset()
        if tenant is ALL_TENANTS:
            return queryset
        if tenant is None:
            raise TenantNotSetError(
                f"{self.model._meta.label} queried with no active tenant; "
                "use tenant_context(tenant) or all_tenants()"
            )
        return queryset.filter(tenant_id=tenant.pk)

    def none(self):
        # Allowed without a tenant: an empty queryset reveals nothing (schema generation uses it).
        return super().get_queryset().none()


class TenantOwnedModel(models.Model):
    """Base class of every tenant-owned model.

    Declaring a subclass is all it takes: the fail-closed manager, the tenant foreign key, and on
    PostgreSQL the row-level security policy (see ``ensure_row_level_security``).
    """

    tenant = models.ForeignKey(
        "governance.Tenant", on_delete=models.PROTECT, related_name="+", db_index=True, editable=False
    )

    objects = TenantManager()
    # Related-object access and deletion use the plain manager: the caller already holds a scoped row.
    # (Listed after ``objects`` on purpose: Django makes the first manager the default one.)
    unscoped = models.Manager()  # noqa: DJ012

    # Subclasses may set this to limit the database policy (e.g. append-only audit rows).
    rls_commands: tuple[str, ...] = ("ALL",)

    class Meta:
        abstract = True
        base_manager_name = "unscoped"

    def save(self, *args, **kwargs):
        current = _current_tenant.get()
        if self.tenant_id is None and current is not None and current is not ALL_TENANTS:
            self.tenant_id = current.pk
        if current is not None and current is not ALL_TENANTS and self.tenant_id != current.pk:
            raise TenantNotSetError("refusing to save a row of another tenant")
        super().save(*args, **kwargs)

    def unique_error_message(self, model_class, unique_check):
        # The tenant goes without saying: "专家库区域、名称和电话相同的评审专家已存在", not "包含 Tenant，…".
        check = tuple(name for name in unique_check if name != "tenant") or unique_check
        return super().unique_error_message(model_class, check)


def tenant_owned_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantOwnedModel) and not model._meta.proxy and model._meta.managed
    ]


# The settings are read in scalar sub-selects, so PostgreSQL evaluates them once per query (an InitPlan)
# instead of twice per row: a count over a tenant's rows stays an index-only scan with a cheap filter.
RLS_PREDICATE = (
    "(tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::bigint)"
    " OR (SELECT current_setting('app.all_tenants', true)) = 'on')"
)


def rls_statements(model: type[models.Model], conn=connection) -> list[str]:
    table = conn.ops.quote_name(model._meta.db_table)
    statements = [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
    ]
    for command in ("ALL", "SELECT", "INSERT", "UPDATE", "DELETE"):
        statements.append(f"DROP POLICY IF EXISTS tenant_isolation_{command.lower()} ON {table}")
    for command in model.rls_commands:
        name = f"tenant_isolation_{command.lower()}"
        if command == "INSERT":
            statements.append(f"CREATE POLICY {name} ON {table} FOR INSERT WITH CHECK {RLS_PREDICATE}")
        elif command in ("SELECT", "DELETE"):
            statements.append(f"CREATE POLICY {name} ON {table} FOR {command} USING {RLS_PREDICATE}")
        else:
            statements.append(
                f"CREATE POLICY {name} ON {table} FOR {command} USING {RLS_PREDICATE} WITH CHECK {RLS_PREDICATE}"
            )
    return statements


def ensure_row_level_security(using: str = "default", **kwargs) -> None:
    """Create/refresh the RLS policies of every tenant-owned table (idempotent; PostgreSQL only).

    Connected to ``post_migrate``, so every ``migrate`` (including the test database's) leaves every
    tenant-owned table with ENABLE + FORCE row level security and its policy.
    """
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "postgresql":
        return
    existing = set(conn.introspection.table_names())
    with conn.cursor() as cursor:
        for model in tenant_owned_models():
            if model._meta.db_table not in existing:
                continue
            for statement in rls_statements(model, conn):
                cursor.execute(statement)
