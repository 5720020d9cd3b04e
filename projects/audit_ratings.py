"""Audit actions of resident satisfaction surveys (code → translated label)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingsAudit(models.TextChoices):
    QUESTIONS = "rating.questions", _("Change default rating questions")
    SURVEY_OPEN = "rating.survey_open", _("Open rating survey")
    SURVEY_UPDATE = "rating.survey_update", _("Change rating survey")
    CODES_GENERATE = "rating.codes_generate", _("Generate one-time rating codes")
    CODES_EXPORT = "rating.codes_export", _("Export one-time rating codes")
    SURVEYS_EXPORT = "rating.surveys_export", _("Export rating surveys")
    RESPONSE = "rating.response", _("Resident rating received")
    PAPER_ENTRY = "rating.paper_entry", _("Enter paper survey")
