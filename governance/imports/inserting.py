"""Inserting thousands of rows at once: PostgreSQL ``COPY``, elsewhere ``bulk_create`` in large batches.

``bulk_insert(model, rows, tenant=...)`` takes plain dicts (field attname → Python value), fills every
other column with the field's default (``auto_now``/``auto_now_add`` with one timestamp), and returns the
primary keys in the order of ``rows``, so child rows can point at their parents (``returning=False``
when nothing will: on PostgreSQL the table's identity default then numbers the rows).

On PostgreSQL the primary keys are drawn from the table's sequence first (one query), the rows are
``COPY``-ed into a temporary table and moved into the real one with ``INSERT … SELECT``. The detour is
what keeps row-level security: ``COPY FROM`` is refused on a table with RLS, while the ``INSERT`` is
checked against the tenant policy like any other. Unique constraints still apply (an ``IntegrityError``
rolls the whole import back).
"""

from __future__ import annotations

import datetime
import decimal
import io
import json
import uuid
from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Any

import orjson
from django.db import connection, models
from django.utils import timezone

BULK_BATCH = 2_000
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def id_ranges(ids: Sequence[int]) -> list[list[int]]:
    """``[1, 2, 3, 7, 8]`` → ``[[1, 3], [7, 8]]``: where the rows of a job are, in a few numbers."""
    ranges: list[list[int]] = []
    for pk in sorted(ids):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return ranges


def ids_in_ranges(ranges: Sequence[Sequence[int]]) -> models.Q:
    """A ``Q`` matching the primary keys of ``id_ranges`` output."""
    query = models.Q(pk__in=[])
    for first, last in ranges:
        query |= models.Q(pk__gte=first, pk__lte=last)
    return query


def _copy_converter(field: models.Field) -> Callable[[Any], str]:
    """Python value → text of the COPY format, for one field (chosen once, not per cell)."""
    if isinstance(field, models.BooleanField):
        return lambda v: NULL if v is None else ("t" if v else "f")
    if isinstance(field, (models.IntegerField, models.AutoField, models.ForeignKey)):
        return lambda v: NULL if v is None else str(int(v))
    if isinstance(field, models.DateTimeField):
        return lambda v: NULL if v is None else v.isoformat()
    if isinstance(field, models.DateField):
        return lambda v: NULL if v is None else v.isoformat()
    if isinstance(field, models.JSONField):
        # orjson (the same document as json.dumps for what JSON columns hold; jsonb keeps no formatting), with
        # the field's encoder for anything orjson leaves to it: datetimes (DjangoJSONEncoder's own format),
        # Decimal, lazy translations.
        fallback = (field.encoder or json.JSONEncoder)().default
        options = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME

        def json_text(v):
            if v is None and field.null:
                return NULL
            try:
                text = orjson.dumps(v, default=fallback, option=options).decode()
            except orjson.JSONEncodeError:  # an integer beyond 64 bits, say: the json module's way
                text = json.dumps(v, ensure_ascii=False, cls=field.encoder)
            # JSON text holds no raw tab, line break or carriage return (both encoders escape them), so the
            # backslash is the one character COPY needs escaped: a C-speed scan and replace, not a translate
            # per character of a snapshot several kilobytes long.
            return text.replace("\\", "\\\\") if "\\" in text else text

        return json_text
    if isinstance(field, (models.CharField, models.TextField)):
        return lambda v: NULL if v is None else str(v).translate(_COPY_ESCAPES)  # see also _copy_text_column

    def prepared(v):  # anything else: the field's own database conversion
        value = field.get_db_prep_save(v, connection=connection)
        if value is None:
            return NULL
        if isinstance(value, (datetime.date, decimal.Decimal, uuid.UUID)):
            value = str(value)
        return str(value).translate(_COPY_ESCAPES)

    return prepared


def _copy_text_column(values: list[Any]) -> list[str]:
    """A text column in the COPY format, as ``_copy_converter`` gives it, but escaping only when needed.

    Escaping every cell costs a ``str.translate`` per cell (most of the COPY text's time for 10,000 rows);
    a column none of whose cells holds a backslash, tab or line break is the same text unescaped, and that
    is one scan of the joined column to find out.
    """
    texts = [value if value is None or type(value) is str else str(value) for value in values]
    joined = "".join([text for text in texts if text])
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        return [NULL if text is None else text.translate(_COPY_ESCAPES) for text in texts]
    return [NULL if text is None else text for text in texts]


def _plan(model, keys: list[str], now) -> tuple[list[models.Field], dict[str, Any]]:
    """The concrete columns to write and the default of each column the rows do not carry."""
    fields, defaults = [], {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        fields.append(field)
        if field.attname in keys:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now if isinstance(field, models.DateTimeField) else now.date()
        elif field.has_default():
            defaults[field.attname] = field.get_default()
        elif field.null:
            defaults[field.attname] = None
        elif field.empty_strings_allowed and field.blank:
            defaults[field.attname] = ""
        else:
            raise ValueError(f"bulk_insert({model._meta.label}): no value and no default for {field.attname}")
    return fields, defaults


def bulk_insert(model: type[models.Model], rows: Sequence[dict[str, Any]], *, tenant,
                returning: bool = True) -> list[int]:
    """Insert ``rows`` of a tenant-owned model for ``tenant``; the new primary keys, in order (on
    PostgreSQL none with ``returning=False``: the keys are not drawn up front then)."""
    if not rows:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_insert() must run inside the caller's transaction")
    keys = list(rows[0])
    now = timezone.now()
    if connection.vendor == "postgresql":
        return _copy_insert(model, rows, keys, tenant, now, returning)
    fields, defaults = _plan(model, [*keys, "tenant_id"], now)
    objects = [model(**{**defaults, **row, "tenant_id": tenant.pk}) for row in rows]
    for obj in objects:  # bulk_create does not run pre_save, so auto_now fields get the one timestamp here
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                setattr(obj, field.attname, defaults.get(field.attname, now))
    model.objects.bulk_create(objects, batch_size=BULK_BATCH)
    pks = [obj.pk for obj in objects]
    if any(pk is None for pk in pks):
        raise RuntimeError("this database backend does not return primary keys from a bulk insert")
    return pks


def bulk_insert_objects(model: type[models.Model], objs: Sequence[models.Model], *, tenant) -> list[models.Model]:
    """``bulk_create`` through ``bulk_insert``: unsaved instances of one tenant, every concrete column taken
    from them (``auto_now`` fields set here, with one timestamp), the primary keys set on them."""
    if not objs:
        return []
    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now if isinstance(field, models.DateTimeField) else now.date()
            for obj in objs:
                setattr(obj, field.attname, value)
    names = [field.attname for field in fields if field.attname != "tenant_id"]
    rows = [{name: getattr(obj, name) for name in names} for obj in objs]
    for obj, pk in zip(objs, bulk_insert(model, rows, tenant=tenant), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return list(objs)


def _copy_insert(model, rows, keys, tenant, now, returning=True) -> list[int]:
    meta = model._meta
    quote = connection.ops.quote_name
    table = meta.db_table
    fields, defaults = _plan(model, [*keys, "tenant_id"], now)
    pk_column = meta.pk.column
    with connection.cursor() as cursor:
        pks: list[int] = []
        if returning:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [quote(table), pk_column, len(rows)])
            pks = [pk for (pk,) in cursor.fetchall()]

        # Column by column: one converter per column mapped over its values (no per-cell dict look-ups),
        # then the rows joined in C; a column the rows do not carry is one constant string.
        cells: list[Any] = [list(map(str, pks))] if returning else []
        for field in fields:
            name = field.attname
            convert = _copy_converter(field)
            if name == "tenant_id":
                cells.append(repeat(str(tenant.pk), len(rows)))
            elif name in defaults:
                cells.append(repeat(convert(defaults[name]), len(rows)))
            elif isinstance(field, (models.CharField, models.TextField)):
                cells.append(_copy_text_column([row[name] for row in rows]))
            else:
                cells.append(list(map(convert, [row[name] for row in rows])))
        buffer = io.StringIO("\n".join(map("\t".join, zip(*cells, strict=True))) + "\n")

        columns = ", ".join([*([quote(pk_column)] if returning else []), *(quote(field.column) for field in fields)])
        staging = quote(f"_import_{table}")
        # Identifiers come from the model's metadata; the data travels in the COPY stream.
        # The staging table has the columns' types and nothing else: no NOT NULL for a key the table's identity
        # default fills in, and the constraints are checked once, by the INSERT into the real table.
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "  # noqa: S608
                       f"SELECT {columns} FROM {quote(table)} WITH NO DATA")
        cursor.cursor.copy_expert(f"COPY {staging} ({columns}) FROM STDIN", buffer)  # noqa: S608
        cursor.execute(f"INSERT INTO {quote(table)} ({columns}) SELECT {columns} FROM {staging}")  # noqa: S608
        cursor.execute(f"DROP TABLE {staging}")
    return pks
