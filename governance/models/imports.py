from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Failed, nothing imported")


FINAL_IMPORT_STATUSES = (ImportStatus.SUCCEEDED, ImportStatus.FAILED)


class ImportJob(TenantOwnedModel):
    """One Excel import (批量导入) of any app: all rows or none, with a downloadable error report.

    ``importer`` is the key of a registered importer (``governance.imports.register_importer``);
    ``imported_ids`` lists the primary keys of the rows it created as ``[[first, last], ...]`` ranges,
    so the single audit event of the job (which points at the job) leads to every row.
    """

    importer = models.CharField(_("importer"), max_length=64, db_index=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed rows"), default=0)
    imported_rows = models.PositiveIntegerField(_("imported rows"), default=0)
    skipped_rows = models.PositiveIntegerField(_("skipped example rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True,
                              help_text=_("First errors as [{row, column, message}]; the full list is in the report."))
    error_report = models.FileField(_("error report"), upload_to="imports/%Y/%m/", blank=True)
    imported_ids = models.JSONField(_("imported rows (id ranges)"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta(TenantOwnedModel.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "importer", "-created_at"], name="import_job_history_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} · {self.get_status_display()}"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_IMPORT_STATUSES
