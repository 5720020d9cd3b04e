"""Audit actions of renewal reviews and reminders (code → translated label)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RenewalsAudit(models.TextChoices):
    CREATE = "renewal.create", _("Open renewal review")
    RECOMPUTE = "renewal.recompute", _("Recompute renewal recommendation")
    RENEWED = "renewal.renewed", _("Decide renewal: renew")
    RENEWED_WITH_CONDITIONS = "renewal.renewed_conditions", _("Decide renewal: renew with conditions")
    RETENDERED = "renewal.retendered", _("Decide renewal: re-tender")
    NOT_CONTINUED = "renewal.not_continued", _("Decide renewal: not continued")
    CONTRACT_RENEW = "contract.renew", _("Draw up renewal contract")
    EXPORT = "renewal.export", _("Export renewal reviews")
    REMIND = "reminder.sent", _("Send reminder")
