from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (capped at ``max_page_size``); a page size that is not a positive
    integer is a 400 rather than silently the default."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: [_("Enter a whole number of at least 1.")]})
        return min(int(raw), self.max_page_size)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings and not (raw.isascii() and raw.isdigit()):
            raise NotFound(self.invalid_page_message.format(page_number=raw, message=_("Not a page number.")))
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters


class CursorOrPagePagination(StandardPagination):
    """Numbered pages, or with ``?cursor=`` keyset pages without a count (``governance.api.lists.FastListMixin``)."""

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        order = ", ".join(term.lstrip("-") + (" descending" if term.startswith("-") else "")
                          for term in view.cursor_ordering)
        parameters.append({
            "name": "cursor", "required": False, "in": "query",
            "description": (
                "Cursor pages instead of numbered ones: empty for the first page, then the `next` link's value. "
                f"No count; rows in a fixed order ({order}); `page` and `ordering` do not apply."),
            "schema": {"type": "string"},
        })
        return parameters

    def get_paginated_response_schema(self, schema):
        numbered = super().get_paginated_response_schema(schema)
        # Either envelope, never both: the numbered one requires ``count``, the cursor one allows nothing else.
        cursor = {
            "type": "object",
            "required": ["next", "results"],
            "additionalProperties": False,
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri",
                         "description": "The next cursor page, or null on the last one."},
                "results": schema,
            },
        }
        return {"oneOf": [numbered, cursor]}
