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

**Cursor pages** (``?cursor=``, empty for the first page): the same filters, rows in ``cursor_ordering`` (unique,
non-null columns; default: id) read past the last row of the previous page, and no count at all, so a page
costs the same on the first page and the thousandth, whatever the tenant's size. The response is
``{"next": url or null, "results": [...]}``; ``next`` carries the signed position of the page's last row.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core import signing
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from governance import response_cache
from governance.api.pagination import CursorOrPagePagination

CURSOR_PARAM = "cursor"


def _after(ordering: tuple[str, ...], values: list) -> Q:
    """Rows after ``values`` in ``ordering`` (keyset): (a > x) or (a = x and b > y) or ..., "-" reversing a term."""
    condition = Q()
    equal: dict = {}
    for term, value in zip(ordering, values, strict=True):
        name = term.lstrip("-")
        condition |= Q(**equal, **{f"{name}__{'lt' if term.startswith('-') else 'gt'}": value})
        equal[name] = value
    return condition


def _position(value):
    return value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else value


class FastListMixin:
    """For a ``generics.ListAPIView``: ``list_values`` columns of the page's rows, ``list_rows`` builds the output."""

    list_values: tuple[str, ...] = ()
    # Keyset of the ``?cursor=`` pages: columns that are unique together and never null, "-" for descending.
    cursor_ordering: tuple[str, ...] = ("id",)
    pagination_class = CursorOrPagePagination

    def list_rows(self, rows: list[dict]) -> list[dict]:
        raise NotImplementedError

    # The whole JSON response from the cache while the tenant's data version stays (governance.response_cache).
    response_cache = True
    _response_cache_key: str | None = None

    def list(self, request, *args, **kwargs):
        if self.response_cache and getattr(request.accepted_renderer, "format", None) == "json":
            view = f"{type(self).__module__}.{type(self).__qualname__}"
            self._response_cache_key, hit = response_cache.lookup(request, view=view, user=request.user,
                                                                  extra=(sorted(kwargs.items()),))
            if hit is not None:
                return hit
        return self._list(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key, self._response_cache_key = self._response_cache_key, None
        if key is not None and isinstance(response, Response) and response.status_code == 200:
            response.render()
            response_cache.store(key, response)
        return response

    def _list(self, request):
        # Rows as dicts: select_related is moot and prefetches cannot attach to dicts (list_rows fetches those).
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        if CURSOR_PARAM in request.query_params and self.paginator is not None:
            return self.cursor_page(request, queryset)
        queryset = queryset.values(*self.list_values)
        page = self.paginate_queryset(queryset)
        if page is None:
            return Response(self.list_rows(list(queryset)))
        return self.get_paginated_response(self.list_rows(list(page)))

    def _cursor_salt(self) -> str:
        return f"governance.api.cursor:{type(self).__module__}.{type(self).__qualname__}"

    def cursor_page(self, request, queryset):
        """One keyset page without a count: the rows after the cursor's position, one more to know if more follow."""
        # ``ordering`` does not apply (the schema says so): cursor pages come in the keyset's fixed order.
        size = self.paginator.get_page_size(request)
        ordering = self.cursor_ordering
        raw = request.query_params[CURSOR_PARAM]
        if raw:
            try:
                values = signing.loads(raw, salt=self._cursor_salt())
            except signing.BadSignature:
                values = None
            if not isinstance(values, list) or len(values) != len(ordering):
                # As an invalid page number (and DRF's cursor pages): a 404, the page does not exist.
                raise NotFound(_(
                    "This cursor is not valid: start again with an empty cursor, or follow the next link of a page."))
            queryset = queryset.filter(_after(ordering, values))
        keys = [term.lstrip("-") for term in ordering]
        columns = [*self.list_values, *(key for key in keys if key not in self.list_values)]
        rows = list(queryset.order_by(*ordering).values(*columns)[: size + 1])
        next_url = None
        if len(rows) > size:
            rows = rows[:size]
            position = signing.dumps([_position(rows[-1][key]) for key in keys], salt=self._cursor_salt())
            next_url = replace_query_param(request.build_absolute_uri(), CURSOR_PARAM, position)
        return Response({"next": next_url, "results": self.list_rows(rows)})


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
