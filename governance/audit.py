"""Writing audit events. Services call ``audit_record`` inside their own transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models.fields.files import FieldFile

from governance.request_context import get_request_info
from governance.tenancy import actor_or_none


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``instance`` (foreign keys as ids), JSON-ready."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.name] = _jsonable(getattr(instance, field.attname))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose values differ."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _region_path_of(obj) -> str:
    from governance.models import Region

    if obj is None:
        return ""
    if isinstance(obj, Region):
        return obj.path
    # A model whose jurisdiction is another object's (a report of an organization…) names it.
    region = getattr(obj, "audit_region", None) or getattr(obj, "region", None)
    return getattr(region, "path", "") or ""


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    tenant=None,
    object_repr: str | None = None,
):
    """Append one audit event. Must run inside the caller's transaction so both commit or neither."""
    from governance.models import AuditEvent

    if not connection.in_atomic_block:
        raise RuntimeError("audit_record() must be called inside the service's transaction")
    event = _event(AuditEvent, _Who(actor, tenant), action=action, obj=obj, changes=changes,
                   object_repr=object_repr, info=get_request_info(),
                   content_type=ContentType.objects.get_for_model(obj) if obj is not None else None)
    event.save(force_insert=True)
    return event


def audit_record_many(
    *,
    actor,
    action: str,
    objs: list[models.Model],
    changes: Callable[[Any], dict[str, Any]] | None = None,
    tenant=None,
    batch_size: int = 500,
    object_repr: Callable[[Any], str] | None = None,
) -> list:
    """One audit event per object of a bulk write, inserted in batches (same fields as ``audit_record``).

    ``changes(obj)`` gives each event's changes; ``object_repr(obj)``, when given, replaces ``str(obj)`` (a
    scan writing thousands of events builds the same text without a translated lookup per row). The actor,
    request and content types are resolved once per call, not per object. Must run inside the caller's
    transaction.
    """
    from governance.models import AuditEvent

    if not objs:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record_many() must be called inside the service's transaction")
    info, who, content_types = get_request_info(), _Who(actor, tenant), {}
    events = []
    for obj in objs:
        content_type = content_types.get(type(obj))
        if content_type is None:
            content_type = content_types[type(obj)] = ContentType.objects.get_for_model(obj)
        events.append(_event(AuditEvent, who, action=action, obj=obj, changes=changes(obj) if changes else None,
                             object_repr=object_repr(obj) if object_repr is not None else None, info=info,
                             content_type=content_type))
    if connection.vendor == "postgresql" and len(events) >= COPY_AT:
        return _copy_events(AuditEvent, events)
    return AuditEvent.objects.bulk_create(events, batch_size=batch_size)


# From this many events of one call on, PostgreSQL gets them through COPY (governance.imports.inserting):
# the ORM's per-field preparation of 40,000 events was a tenth of an evaluation run.
COPY_AT = 200


def _copy_events(model, events: list) -> list:
    from types import SimpleNamespace

    from governance.imports.inserting import bulk_insert_objects

    by_tenant: dict[int, list] = {}
    for event in events:
        by_tenant.setdefault(event.tenant_id, []).append(event)
    for tenant_id, group in by_tenant.items():
        bulk_insert_objects(model, group, tenant=SimpleNamespace(pk=tenant_id))
    return events


class _Who:
    """The actor of a batch of events, resolved once."""

    __slots__ = ("actor", "actor_obj", "actor_repr", "tenant_id")

    def __init__(self, actor, tenant):
        self.actor, self.actor_obj = actor, actor_or_none(actor)
        self.actor_repr = str(self.actor_obj)[:150] if self.actor_obj else "system"
        self.tenant_id = getattr(tenant, "pk", None)


def _event(model, who: _Who, *, action, obj, changes, object_repr, info, content_type):
    tenant_id = who.tenant_id or getattr(obj, "tenant_id", None) or getattr(who.actor, "tenant_id", None)
    if tenant_id is None:
        raise RuntimeError("audit_record() needs a tenant (from the object, the actor or the argument)")
    return model(
        region_path=_region_path_of(obj),
        tenant_id=tenant_id,
        actor=who.actor_obj,
        actor_repr=who.actor_repr,
        action=action,
        content_type=content_type,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr if object_repr is not None else str(obj) if obj is not None else "")[:200],
        changes=_jsonable(changes or {}),
        request_id=info.request_id,
        ip_address=info.ip_address,
    )
