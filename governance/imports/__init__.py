"""Excel import and export for every app (批量导入/导出). See docs/core-kit.md, "Import and export".

An app declares an importer in ``AppConfig.ready()``::

    from governance.imports import Column, Importer, bulk_insert, register_importer

    register_importer(Importer(key="grid.household", label=_("Households"), model=Household,
                               columns=(Column("name", "户主姓名", required=True), ...),
                               permission=can_import_households, insert=insert_households,
                               audit_action=GridAudit.HOUSEHOLD_IMPORT))

and links to ``imports:upload <key>``; the core serves the template, the upload, the progress bar, the
error report and the history. Lists export through ``export_response``.

Only light modules are imported here (models and heavy libraries load when used), so an app's
``ready()`` may import this package.
"""

from governance.imports.columns import (
    CHOICE,
    DATE,
    INT,
    MULTI,
    RAW,
    TEXT,
    Column,
    cell_text,
    choice_key,
    email_is_valid,
    is_blank,
)
from governance.imports.importer import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    ImportContext,
    Importer,
    RowError,
    chunks,
    get_importer,
    importers,
    importers_for_user,
    register_importer,
)

__all__ = [
    "CHOICE", "DATE", "INT", "MAX_ROWS", "MAX_UPLOAD_BYTES", "MULTI", "RAW", "TEXT", "Column", "ImportContext",
    "Importer", "RowError", "bulk_insert", "cell_text", "choice_key", "chunks", "email_is_valid", "get_importer",
    "importers", "importers_for_user", "is_blank", "register_importer",
]


def bulk_insert(model, rows, *, tenant, returning=True):
    """See ``governance.imports.inserting.bulk_insert`` (imported lazily: it needs the database layer)."""
    from governance.imports.inserting import bulk_insert as insert

    return insert(model, rows, tenant=tenant, returning=returning)
