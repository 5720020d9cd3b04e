"""What an app declares to get an Excel import: ``register_importer(Importer(...))`` in ``AppConfig.ready()``.

The core then offers the template, the upload page, the background task, the progress bar, the error
report and the history of past imports for it. An importer declares its columns, and three hooks:

* ``parse_row(ctx, row, raw, error)`` — checks of one row that the column kinds do not cover
  (codes, cross-cell rules); no queries;
* ``validate(ctx, rows, error)`` — set-based checks of every row at once (uniqueness in the file and in the
  database, foreign codes): a constant number of queries whatever the row count;
* ``insert(ctx, rows) -> list[int]`` — creates every row (``governance.imports.bulk_insert``) and returns
  the primary keys created; runs inside the job's transaction, which the core audits once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.http import Http404

from governance.imports.columns import Column, cell_text

MAX_ROWS = 50_000
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class RowError(NamedTuple):
    """One problem: spreadsheet row (0 = the file itself), column label, translated message."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


ParsedRow = tuple[int, dict[str, Any]]  # (spreadsheet row number, {column key: raw cell value})
ErrorFunc = Callable[[int, str, str], None]  # error(row_number, column key or label, message)


@dataclass
class ImportContext:
    """What the hooks of one run get: the tenant, the user, the importer and a scratch dict for lookups."""

    importer: Importer
    tenant: Any
    user: Any
    job: Any = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class Importer:
    key: str  # "orgs.organization": app label, dot, what is imported
    label: Any  # what the rows are, translated (lazy): "Social organizations"
    model: Any  # the model whose primary keys ``insert`` returns
    columns: tuple[Column, ...]
    permission: Callable[[Any], bool]  # may this user import (and see the history)?
    insert: Callable[[ImportContext, list[dict[str, Any]]], list[int]]
    audit_action: str  # one audit event per successful job, e.g. "organization.import"
    parse_row: Callable[[ImportContext, dict[str, Any], dict[str, Any], ErrorFunc], None] | None = None
    validate: Callable[[ImportContext, list[dict[str, Any]], ErrorFunc], None] | None = None
    sheet_title: str = "数据"  # first sheet of the template (data, Chinese)
    instructions: tuple[str, ...] = ()  # extra lines of the template's instructions sheet (data, Chinese)
    # A row whose cells in these columns equal the template's example values is the example row: skipped.
    example_keys: tuple[str, ...] = ()
    template_filename: Any = ""  # translated (lazy) file name of the template, without .xlsx
    rows_url: str = ""  # URL name of the list that shows the imported rows
    rows_url_query: str = ""
    back_url: str = ""  # URL name of the page the import belongs to (breadcrumbs, cancel)
    imported_message: Callable[[int], str] | None = None  # "12 organizations were imported."
    conflict_message: Any = ""  # an IntegrityError at insert time (someone took a code meanwhile)
    max_rows: int = MAX_ROWS
    max_upload_bytes: int = MAX_UPLOAD_BYTES

    def __post_init__(self):
        self.columns = tuple(self.columns)
        self.columns_by_key: dict[str, Column] = {column.key: column for column in self.columns}
        self.labels: dict[str, str] = {column.key: column.label for column in self.columns}
        self.required_keys: tuple[str, ...] = tuple(column.key for column in self.columns if column.required)
        self._example = {key: cell_text(self.columns_by_key[key].example)
                         for key in self.example_keys if key in self.columns_by_key}

    def is_example(self, record: dict[str, Any]) -> bool:
        """The template's example row (its ``example_keys`` cells unchanged): shown, never imported."""
        example = self._example
        if not example:
            return False
        return all(cell_text(record.get(key)) == value for key, value in example.items())

    def label_of(self, key: str) -> str:
        return self.labels.get(key, key)


_importers: dict[str, Importer] = {}


def register_importer(importer: Importer) -> Importer:
    """Declare an importer (idempotent: registering the same key again replaces it)."""
    keys = [column.key for column in importer.columns]
    if len(keys) != len(set(keys)):
        raise ValueError(f"importer {importer.key}: duplicate column keys")
    unknown = set(importer.example_keys) - set(keys)
    if unknown:
        raise ValueError(f"importer {importer.key}: example_keys {sorted(unknown)} are not columns")
    _importers[importer.key] = importer
    return importer


def get_importer(key: str) -> Importer:
    try:
        return _importers[key]
    except KeyError as exc:
        raise LookupError(f"no importer registered as {key!r}") from exc


def importer_for_user_or_404(key: str, user) -> Importer:
    """The importer if it exists and the user may use it; 404 for both "unknown" and "not allowed"."""
    importer = _importers.get(key)
    if importer is None or not importer.permission(user):
        raise Http404("Not found.")
    return importer


def importers() -> list[Importer]:
    return sorted(_importers.values(), key=lambda importer: importer.key)


def importers_for_user(user) -> list[Importer]:
    return [importer for importer in importers() if importer.permission(user)]


def sort_errors(importer: Importer, errors: Iterable[RowError]) -> list[RowError]:
    order = {label: index for index, label in enumerate(importer.labels.values())}
    return sorted(errors, key=lambda e: (e.row, order.get(e.column, len(order))))


def chunks(values: Sequence, size: int = 2_000) -> Iterable[Sequence]:
    """Values per ``IN (...)`` look-up: few queries, and below every backend's parameter limit."""
    for start in range(0, len(values), size):
        yield values[start:start + size]
