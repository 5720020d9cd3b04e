"""Performance records (绩效记录): the published evaluations of the organization's purchased-service contracts.

The registry sits below projects and does not know its contracts: the projects app reports each published
evaluation through ``orgs.services.performance_record_add`` with the facts copied (contract id, number and
title, kind, period, score, band, resident satisfaction and the number of ratings behind it). A record is
written once per published evaluation and never changes, like the evaluation itself.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.models.organizations import Organization

SCORE = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class PerformanceKind(models.TextChoices):
    MIDTERM = "midterm", _("Mid-term evaluation")  # 中期评估
    FINAL = "final", _("Final evaluation")  # 结项评估


class PerformanceBand(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")  # 优秀
    GOOD = "good", _("Good")  # 良好
    PASS = "pass", _("Pass")  # 合格
    FAIL = "fail", _("Fail")  # 不合格


class PerformanceRecord(TenantOwnedModel):
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="performance_records")
    # The published evaluation this record copies (projects' id): one record per evaluation.
    evaluation_id = models.PositiveBigIntegerField(_("evaluation"))
    contract_id = models.PositiveBigIntegerField(_("contract"))
    contract_number = models.CharField(_("contract number"), max_length=40)
    contract_title = models.CharField(_("project"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=PerformanceKind.choices)
    period = models.DateField(_("evaluated up to"))
    score = models.DecimalField(_("score"), **SCORE)
    band = models.CharField(_("band"), max_length=10, choices=PerformanceBand.choices)
    satisfaction = models.DecimalField(_("resident satisfaction"), null=True, blank=True, **SCORE)
    ratings = models.PositiveIntegerField(_("ratings"), default=0)
    published_at = models.DateTimeField(_("published at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("performance record")
        verbose_name_plural = _("performance records")
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "evaluation_id"], name="performance_once_per_evaluation"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="performance_score_range"),
        ]
        indexes = [models.Index(fields=["tenant", "organization", "period"], name="performance_org_period_idx")]

    def __str__(self) -> str:
        return f"{self.contract_number} · {self.get_kind_display()} · {self.score}"

    @property
    def audit_region(self):
        return self.organization.region
