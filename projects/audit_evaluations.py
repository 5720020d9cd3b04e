"""Audit actions of evaluations (code → translated label)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationsAudit(models.TextChoices):
    COMPUTE = "evaluation.compute", _("Compute evaluation")
    COMPUTED = "evaluation.computed", _("Evaluation computed")
    PUBLISHED = "evaluation.published", _("Publish evaluation")
    EXPERT_SCORE = "evaluation.expert_score", _("Enter expert or third-party score")
    SETTINGS = "evaluation.settings", _("Change evaluation settings")
    EXPORT = "evaluation.export", _("Export evaluations")
