"""Audit actions of progress reports and tranche releases (code → translated label)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportsAudit(models.TextChoices):
    SCHEDULE = "progress_report.schedule", _("Plan progress reports")
    SAVE = "progress_report.save", _("Fill in progress report")
    EVIDENCE = "progress_report.evidence", _("Attach evidence to progress report")
    DRAFT = "progress_report.draft", _("Progress report drafted")
    SUBMITTED = "progress_report.submitted", _("Submit progress report")
    APPROVED = "progress_report.approved", _("Approve progress report")
    RETURNED = "progress_report.returned", _("Return progress report")
    OVERDUE = "progress_report.overdue", _("Progress report overdue")
    REMIND = "progress_report.remind", _("Progress report reminder sent")
    TRANCHE_RELEASE = "tranche.release", _("Release tranche and record payment")
