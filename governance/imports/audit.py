"""Audit actions of the import framework (each importer declares its own summary action too)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportAudit(models.TextChoices):
    IMPORT_JOB_CREATE = "import_job.create", _("Upload import file")
