"""Re-encrypting every sensitive column under the current key (``manage.py rotate_sensitive_keys``).

Set-based: per model, the rows whose ciphertext does not start with the current key id are read in
primary-key batches (``LEFT(column, 9) <> '<id>:'`` in SQL), re-encrypted in Python, and written back
with one ``UPDATE … FROM (VALUES …)`` per batch. Each batch is one transaction with one
``sensitive.rotated`` audit event per tenant. Running it again finds nothing to do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models
from django.db.models.functions import Left

from governance.audit import audit_record
from governance.audit_actions import GovernanceAudit
from governance.sensitive.fields import SensitiveField, sensitive_fields, sensitive_hash
from governance.sensitive.keys import KEY_ID_LENGTH, SensitiveDataError, keyring
from governance.sensitive.kinds import SensitiveValue
from governance.tenancy import all_tenants


@dataclass
class RotationResult:
    model: str
    rows: int = 0
    failures: list[str] = field(default_factory=list)


def sensitive_models() -> list[type[models.Model]]:
    return [
        model for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and sensitive_fields(model)
    ]


def _raw(name: str) -> str:
    return f"_raw_{name}"


def _stale_rows(model, fields: list[SensitiveField], *, rehash: bool, after, batch_size: int, lock: bool):
    prefix = keyring().prefix
    queryset = model._base_manager.annotate(
        **{_raw(f.name): models.ExpressionWrapper(models.F(f.name), output_field=models.TextField()) for f in fields},
        **{f"_kid_{f.name}": Left(f.name, KEY_ID_LENGTH + 1) for f in fields},
    )
    condition = models.Q()
    for f in fields:
        has_value = models.Q(**{f"_kid_{f.name}__gt": ""})
        condition |= has_value if rehash else has_value & ~models.Q(**{f"_kid_{f.name}": prefix})
    if after is not None:
        queryset = queryset.filter(pk__gt=after)
    if not _has_tenant(model):
        queryset = queryset.annotate(tenant_id=models.Value(None, output_field=models.BigIntegerField()))
    columns = ["pk", "tenant_id", *(_raw(f.name) for f in fields)]
    if lock:
        # A user saving one of these rows meanwhile waits, instead of being overwritten with the old value.
        queryset = queryset.select_for_update()
    return list(queryset.filter(condition).order_by("pk").values_list(*columns)[:batch_size])


def _has_tenant(model) -> bool:
    return any(f.name == "tenant" for f in model._meta.concrete_fields)


def _update_batch(model, fields, rows, *, rehash: bool, result: RotationResult) -> dict:
    ring = keyring()
    columns = [f.column for f in fields] + [
        model._meta.get_field(f.hash_field).column for f in fields if rehash and f.hash_field]
    values: list[list] = []
    per_tenant: dict = defaultdict(int)
    for pk, tenant_id, *stored_values in rows:
        try:
            clear_values = [
                ring.decrypt(stored, label=f"{f.label} (pk {pk})") if stored else stored
                for f, stored in zip(fields, stored_values, strict=True)
            ]
        except SensitiveDataError as error:
            result.failures.append(str(error))
            continue
        # None keeps a column as it is (empty, or already under the current key).
        row = [None if not stored or ring.is_current(stored) else ring.encrypt(clear)
               for stored, clear in zip(stored_values, clear_values, strict=True)]
        if rehash:
            row += [sensitive_hash(f.kind, SensitiveValue(f.kind, clear)) if stored else None
                    for f, stored, clear in zip(fields, stored_values, clear_values, strict=True) if f.hash_field]
        values.append([pk, *row])
        per_tenant[tenant_id] += 1
    if values:
        _write(model, columns, values)
    return per_tenant


def _write(model, columns: list[str], values: list[list]) -> None:
    """``UPDATE t SET c = COALESCE(v.c, t.c) FROM (VALUES …) v WHERE t.pk = v.pk``: one statement, linear.

    (A ``CASE pk WHEN …`` per column, as ``bulk_update`` writes, is quadratic in the batch size.)
    VALUES columns are called column1, column2, … by both PostgreSQL and SQLite.
    """
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), model._meta.pk
    assignments = ", ".join(
        f"{quote(column)} = COALESCE(v.column{index}, {table}.{quote(column)})"
        for index, column in enumerate(columns, start=2)
    )
    placeholders = ", ".join(["(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"] * len(values))
    sql = (
        f"UPDATE {table} SET {assignments} FROM (VALUES {placeholders}) AS v "  # noqa: S608 (names quoted)
        f"WHERE {table}.{quote(pk.column)} = CAST(v.column1 AS {pk.db_type(connection)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in values for value in row])


def rotate_model(model, *, batch_size: int = 1000, rehash: bool = False, dry_run: bool = False) -> RotationResult:
    from governance.models import Tenant

    fields = sensitive_fields(model)
    result = RotationResult(model=model._meta.label)
    audited = _has_tenant(model)
    after = None
    while True:
        with all_tenants():
            rows = _stale_rows(model, fields, rehash=rehash, after=after, batch_size=batch_size, lock=not dry_run)
            if not rows:
                return result
            after = rows[-1][0]
            if dry_run:
                result.rows += len(rows)
                continue
            # all_tenants() is this batch's transaction: the update and its audit commit together.
            per_tenant = _update_batch(model, fields, rows, rehash=rehash, result=result)
            for tenant_id, count in per_tenant.items():
                result.rows += count
                if audited:
                    audit_record(
                        actor=None, action=GovernanceAudit.SENSITIVE_ROTATED, tenant=Tenant(pk=tenant_id),
                        object_repr=str(model._meta.verbose_name_plural),
                        changes={"model": model._meta.label, "rows": count, "key_id": keyring().current_id,
                                 "rehash": rehash},
                    )


def sensitive_rotate(*, batch_size: int = 1000, rehash: bool = False, dry_run: bool = False) -> list[RotationResult]:
    """Re-encrypt (and with ``rehash`` re-hash) every sensitive column of every model; idempotent."""
    return [rotate_model(model, batch_size=batch_size, rehash=rehash, dry_run=dry_run)
            for model in sensitive_models()]
