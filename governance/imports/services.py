"""Running an import: upload → job → background task → all rows or none, with an error report.

``import_job_create`` stores the upload as an ``ImportJob`` and queues ``import_run_task`` on commit;
the task calls ``import_job_run``, which reads the workbook (calamine), checks every row
(``validate_rows``: per-cell parsers, then the importer's set-based checks) and either inserts every row
in one transaction, audited once, or inserts nothing and attaches the error report (行号/列/错误信息).

Row numbers in errors are the spreadsheet's own (the header is row 1), so a user finds the cell in
Excel; problems with the file as a whole are row 0.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.exceptions import ApplicationError
from governance.imports.columns import RAW
from governance.imports.importer import (
    ImportContext,
    Importer,
    ParsedRow,
    RowError,
    get_importer,
    sort_errors,
)
from governance.imports.inserting import id_ranges
from governance.imports.reading import read_rows
from governance.imports.workbooks import error_report
from governance.models import ImportJob, ImportStatus
from governance.tenancy import actor_or_none, get_current_tenant, require_tenant

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 50  # on the job itself; the report holds the full list


# --- validation ------------------------------------------------------------------------------


def validate_rows(importer: Importer, *, tenant, user, rows: Iterable[ParsedRow],
                  progress: Callable[[int], None] | None = None, progress_every: int = 500,
                  job: ImportJob | None = None) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Check every row; return the cleaned rows and every error found (empty when all rows are fine).

    Cell checks run per row with parsers built once; the importer's ``validate`` is set-based (a
    constant number of queries). ``progress(n)`` is called every ``progress_every`` rows and at the end.
    """
    require_tenant(tenant)
    ctx = ImportContext(importer=importer, tenant=tenant, user=user, job=job)
    errors: list[RowError] = []
    label_of = importer.label_of
    append = errors.append

    def error(number: int, key: str, message) -> None:
        append(RowError(number, label_of(key), str(message)))

    # A raw column's cell goes to ``parse_row`` as it is: no parser call for it.
    raw_keys = [column.key for column in importer.columns if column.kind == RAW]
    parsers = [(column.key, column.label, column.parser()) for column in importer.columns if column.kind != RAW]
    parse_row = importer.parse_row
    cleaned: list[dict[str, Any]] = []
    done = 0
    for number, raw in rows:
        clean: dict[str, Any] = {"row": number}
        get = raw.get
        for key in raw_keys:
            clean[key] = get(key)
        for key, label, parser in parsers:
            value, problem = parser(get(key))
            clean[key] = value
            if problem is not None:
                if isinstance(problem, list):
                    errors.extend(RowError(number, label, str(message)) for message in problem)
                else:
                    append(RowError(number, label, problem))
        if parse_row is not None:
            parse_row(ctx, clean, raw, error)
        cleaned.append(clean)
        done += 1
        if progress is not None and done % progress_every == 0:
            progress(done)
    if importer.validate is not None:
        importer.validate(ctx, cleaned, error)
    if progress is not None:
        progress(done)
    return cleaned, sort_errors(importer, errors)


# --- progress writes -------------------------------------------------------------------------


class ProgressWriter:
    """Saves the job's progress so that a page polling it from another connection sees it move.

    A task runs inside its tenant's transaction (``TenantTask`` → ``tenant_context``), so a plain
    ``save()`` would stay invisible until the whole import commits. On PostgreSQL the progress is
    therefore written through a second, autocommitting connection (with the tenant's RLS setting).
    The import's own connection never updates the job row before the end, so the two cannot wait on
    each other. SQLite (the embedded default) allows one writer at a time, and there the eager task
    blocks the request anyway, so it writes on the same connection.
    """

    def __init__(self, job: ImportJob):
        self.job = job
        self.side = None
        self.disabled = False
        self.use_side = connection.vendor == "postgresql" and connection.in_atomic_block

    def write(self, fields: list[str]) -> None:
        if self.disabled:
            return
        if not self.use_side:
            self.job.save(update_fields=fields)
            return
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.side.cursor() as cursor:
                    cursor.execute("SELECT set_config('app.tenant_id', %s, false)", [str(self.job.tenant_id)])
            meta = ImportJob._meta
            assignments, params = [], []
            for name in fields:
                field = meta.get_field(name)
                assignments.append(f"{self.side.ops.quote_name(field.column)} = %s")
                params.append(field.get_db_prep_save(getattr(self.job, field.attname), connection=self.side))
            # Identifiers come from the model's own metadata; every value is a parameter.
            sql = (f"UPDATE {self.side.ops.quote_name(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
                   "WHERE id = %s AND tenant_id = %s")
            with self.side.cursor() as cursor:
                cursor.execute(sql, [*params, self.job.pk, self.job.tenant_id])
        except Exception:  # noqa: BLE001 - progress is informative; the final save records the outcome
            logger.warning("could not write import progress of job %s", self.job.pk, exc_info=True)
            self.close()
            self.disabled = True

    def close(self) -> None:
        if self.side is not None:
            try:
                self.side.close()
            finally:
                self.side = None


# --- the import ------------------------------------------------------------------------------


def _read_job_file(job: ImportJob) -> bytes:
    job.file.open("rb")
    try:
        return job.file.read()
    finally:
        job.file.close()


def _insert(ctx: ImportContext, cleaned: list[dict[str, Any]]) -> int:
    """Every row through the importer's ``insert``, and ONE audit event for the job, in one transaction."""
    job, importer = ctx.job, ctx.importer
    with transaction.atomic():
        pks = importer.insert(ctx, cleaned)
        job.imported_ids = id_ranges(pks)
        audit_record(actor=ctx.user, action=importer.audit_action, obj=job,
                     changes={"rows": len(pks), "file": job.original_name})
    return len(pks)


def import_job_run(*, job: ImportJob, actor, importer: Importer | None = None,
                   progress_every: int = 500) -> ImportJob:
    """Run one import job: validate every row, then import all of them or none.

    Never raises for bad input: a malformed file or bad rows end as a failed job with errors and an
    error report; an unexpected failure is logged and also ends as a failed job.
    """
    importer = importer or get_importer(job.importer)
    tenant = get_current_tenant()
    progress = ProgressWriter(job)
    errors: list[RowError] = []
    imported = 0
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    try:
        job.status = ImportStatus.RUNNING
        job.processed_rows = 0
        job.started_at = timezone.now()
        progress.write(["status", "processed_rows", "started_at"])
        if actor_or_none(actor) is None:
            errors = [RowError(0, "", _("The user who uploaded the file no longer exists; upload it again."))]
        elif not importer.permission(actor):
            errors = [RowError(0, "", _("You may no longer run this import; ask your administrator."))]
        else:
            rows, errors, job.skipped_rows = read_rows(importer, _read_job_file(job))
            timings["read"], clock = time.perf_counter() - clock, time.perf_counter()
        if not errors:
            job.total_rows = len(rows)
            progress.write(["total_rows", "skipped_rows"])

            def report(done: int) -> None:
                job.processed_rows = done
                progress.write(["processed_rows"])

            with transaction.atomic():  # a savepoint: a database error leaves the caller's transaction usable
                cleaned, errors = validate_rows(importer, tenant=tenant, user=actor, rows=rows, progress=report,
                                                progress_every=progress_every, job=job)
            timings["validate"], clock = time.perf_counter() - clock, time.perf_counter()
        if not errors:
            try:
                imported = _insert(ImportContext(importer=importer, tenant=tenant, user=actor, job=job), cleaned)
                timings["insert"] = time.perf_counter() - clock
            except IntegrityError:
                logger.warning("import job %s hit a uniqueness conflict", job.pk, exc_info=True)
                errors = [RowError(0, "", str(importer.conflict_message) or _(
                    "A row of this file conflicts with data saved by someone else during the import; nothing "
                    "was imported. Run the import again to see the rows concerned."))]
    except Exception:  # noqa: BLE001 - an import must end as a job outcome, never as a 500
        logger.exception("import job %s failed unexpectedly", job.pk)
        errors = [RowError(0, "", _("The import stopped on an unexpected error; nothing was imported. "
                                    "Try again, or contact the administrator."))]
        imported = 0
    finally:
        progress.close()

    job.finished_at = timezone.now()
    fields = ["status", "total_rows", "processed_rows", "imported_rows", "skipped_rows", "error_count", "errors",
              "imported_ids", "started_at", "finished_at"]
    if errors:
        job.status = ImportStatus.FAILED
        job.imported_rows = 0
        job.imported_ids = []
        job.error_count = len(errors)
        job.errors = [error.as_dict() for error in errors[:MAX_STORED_ERRORS]]
        stem = os.path.splitext(os.path.basename(job.original_name or "import"))[0][:40] or "import"
        job.error_report.save(f"{stem}_错误报告.xlsx", ContentFile(error_report(errors)), save=False)
        fields.append("error_report")
    else:
        job.status = ImportStatus.SUCCEEDED
        job.imported_rows = imported
        job.processed_rows = job.total_rows
        job.error_count = 0
        job.errors = []
    job.save(update_fields=fields)
    _notify_uploader(job, importer)
    logger.info("import job %s (%s): %s, %d rows, %d imported, %d errors; %s", job.pk, job.importer, job.status,
                job.total_rows, job.imported_rows, job.error_count,
                ", ".join(f"{phase} {seconds:.2f}s" for phase, seconds in timings.items()) or "no timings")
    return job


def _notify_uploader(job: ImportJob, importer: Importer) -> None:
    """The uploader's inbox (and e-mail, per their settings) gets the outcome, linked to the result page."""
    from django.urls import reverse

    from governance.notifications import notify, platform_language

    if not job.created_by_id:
        return
    with platform_language():
        values = {"what": importer.label, "file": job.original_name, "rows": job.imported_rows,
                  "errors": job.error_count}
        if job.status == ImportStatus.SUCCEEDED:
            kind, title = "governance.import_finished", _("Import finished: %(what)s") % values
            body = _("%(rows)s rows imported from %(file)s.") % values
        else:
            kind, title = "governance.import_failed", _("Import failed: %(what)s") % values
            body = _("%(file)s: %(errors)s errors, nothing was imported. The error report lists them.") % values
    notify(recipients=[job.created_by_id], kind=kind, title=title, body=body,
           url=reverse("imports:status", args=[job.pk]), obj=job)


# --- upload ----------------------------------------------------------------------------------


@transaction.atomic
def import_job_create(*, actor, tenant, importer: Importer | str, uploaded_file) -> ImportJob:
    """Store an uploaded workbook as an import job and queue its processing after commit."""
    from governance.imports.tasks import import_run_task

    importer = get_importer(importer) if isinstance(importer, str) else importer
    require_tenant(tenant)
    if not importer.permission(actor):
        raise ApplicationError(_("You may not import %(what)s.") % {"what": importer.label})
    name = os.path.basename(getattr(uploaded_file, "name", "") or "")
    if not name.lower().endswith(".xlsx"):
        raise ValidationError({"file": _("Upload an Excel workbook with the extension .xlsx "
                                          "(download the import template).")})
    size = getattr(uploaded_file, "size", None) or 0
    limit = importer.max_upload_bytes
    if size > limit:
        raise ValidationError({"file": _("The file is %(size).1f MB; at most %(max)d MB may be uploaded.")
                               % {"size": size / 1024 / 1024, "max": limit // 1024 // 1024}})
    job = ImportJob(tenant=tenant, importer=importer.key, original_name=name[:200], created_by=actor)
    job.file.save(name, uploaded_file, save=False)
    job.save()
    audit_record(actor=actor, action="import_job.create", obj=job,
                 changes={"importer": importer.key, "file": name, "size": size})
    tenant_id, job_id = tenant.pk, job.pk
    transaction.on_commit(lambda: import_run_task.delay(tenant_id=tenant_id, job_id=job_id))
    return job
