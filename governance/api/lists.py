"""Fast read-only lists (issue 8): page rows read with ``.values()`` and turned into dicts by a plain function.

A ``ModelSerializer`` resolves every field of every row through attribute look-ups and field objects, which
was most of a list page's time. A list API instead declares the columns it reads and a row function::

    class HouseholdListView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
        serializer_class = HouseholdOutputSerializer      # still the documented shape (OpenAPI) and the detail view
        list_values = ("id", "name", "kind", "grid_id", "grid__name", "created_at")

        def list_rows(self, rows):                          # rows: the page's dicts, in order
            kinds = choice_labels(HouseholdKind)
            return [{"id": r["id"], "name": r["name"], "kind": r["kind"], "kind_display": kinds[r["kind"]],
                     "grid": r["grid_id"], "grid_name": r["grid__name"], "created_at": datetime_out(r["created_at"])}
                    for r in rows]

The envelope (``count``/``next``/``previous``/``results``) and the pagination parameters do not change; a test
compares the API's results with the serializer's output for the same objects (``orgs/tests/test_api_lists.py``),
so the two cannot drift. Query budget: the count, the page, plus one query per to-many column (e.g. domains).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from rest_framework.response import Response


class FastListMixin:
    """For a ``generics.ListAPIView``: ``list_values`` columns of the page's rows, ``list_rows`` builds the output."""

    list_values: tuple[str, ...] = ()

    def list_rows(self, rows: list[dict]) -> list[dict]:
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        # Rows as dicts: select_related is moot and prefetches cannot attach to dicts (list_rows fetches those).
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None).values(*self.list_values)
        page = self.paginate_queryset(queryset)
        if page is None:
            return Response(self.list_rows(list(queryset)))
        return self.get_paginated_response(self.list_rows(list(page)))


def choice_labels(choices) -> dict:
    """``{value: label}`` of a TextChoices/IntegerChoices (or a choices list), labels in the request's language."""
    items = choices.choices if hasattr(choices, "choices") else choices
    return {value: str(label) for value, label in items}


def display(labels: dict, value):
    """``get_FOO_display()``: the label, or the value itself when it is not a choice."""
    return labels.get(value, value)


def datetime_out(value: datetime.datetime | None, tz=None) -> str | None:
    """DRF's ``DateTimeField`` output: ISO 8601 in the current time zone (or ``tz``, looked up once by a caller
    converting many values), ``Z`` for UTC."""
    if value is None:
        return None
    aware = value.tzinfo is not None
    text = value.astimezone(tz or timezone.get_current_timezone()).isoformat() if aware else value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def date_out(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def decimal_out(value: Decimal | None, places: int) -> str | None:
    """DRF's ``DecimalField`` output (coerced to a string, quantized to the field's places)."""
    if value is None:
        return None
    return f"{value.quantize(Decimal(1).scaleb(-places)):f}"
