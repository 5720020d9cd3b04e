"""Mid-term and final evaluations (中期评估 / 结项评估) of a service contract, expert scores and the settings.

An ``Evaluation`` is computed by the Celery run (``projects.services.evaluations.evaluations_run``) from an
``input_snapshot`` of approved figures, with ``input_hash`` the SHA-256 of the snapshot's canonical JSON and
``formula_version`` the version of ``projects.services.evaluation_formula.evaluate``: recomputing the
snapshot with that formula gives the same score and hash. It is recomputed while ``computed`` and never
changes once ``published`` (the service refuses; a database trigger refuses updates, and deletes on PostgreSQL).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.models.limits import NOTE_TEXT, bounded_text
from projects.models.contracts import Contract

SCORE = {"max_digits": 5, "decimal_places": 2}
SCORE_RANGE = [MinValueValidator(0), MaxValueValidator(100)]


class EvaluationKind(models.TextChoices):
    MIDTERM = "midterm", _("Mid-term evaluation")  # 中期评估
    FINAL = "final", _("Final evaluation")  # 结项评估


class EvaluationStatus(models.TextChoices):
    COMPUTED = "computed", _("Computed, awaiting publication")  # 待发布
    PUBLISHED = "published", _("Published")  # 已发布


class EvaluationBand(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")  # 优秀
    GOOD = "good", _("Good")  # 良好
    PASS = "pass", _("Pass")  # 合格
    FAIL = "fail", _("Fail")  # 不合格


class Evaluation(TenantOwnedModel):
    """One evaluation of a contract, unique per (contract, kind, period): reruns update, never duplicate."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.PROTECT,
                                 related_name="evaluations")
    kind = models.CharField(_("kind"), max_length=8, choices=EvaluationKind.choices)
    # The last day the evaluation covers: the end of the mid-term or final report's period.
    period = models.DateField(_("evaluated up to"))
    status = models.CharField(_("status"), max_length=10, choices=EvaluationStatus.choices,
                              default=EvaluationStatus.COMPUTED)
    score = models.DecimalField(_("score"), **SCORE, validators=SCORE_RANGE)
    band = models.CharField(_("band"), max_length=10, choices=EvaluationBand.choices)
    breakdown = models.JSONField(_("breakdown"), default=dict)
    # Resident satisfaction as a 0-100 score and the number of ratings behind it (for the organization's roll-up).
    satisfaction = models.DecimalField(_("resident satisfaction"), **SCORE, null=True, blank=True,
                                       validators=SCORE_RANGE)
    ratings = models.PositiveIntegerField(_("ratings"), default=0)
    input_snapshot = models.JSONField(_("input snapshot"), default=dict)
    input_hash = models.CharField(_("input hash (SHA-256)"), max_length=64)
    formula_version = models.CharField(_("formula version"), max_length=20)
    computed_at = models.DateTimeField(_("computed at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "kind", "period"], name="evaluation_unique_period"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="evaluation_score_range"),
            models.CheckConstraint(condition=~Q(status="published") | Q(published_at__isnull=False),
                                   name="evaluation_published_has_date"),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "period"], name="evaluation_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} · {self.get_kind_display()} · {self.period:%Y-%m-%d}"

    @property
    def audit_region(self):
        return self.contract.region


class ExpertScore(TenantOwnedModel):
    """An expert's or third-party assessor's score (专家/第三方评分, 0-100) for one evaluation kind of a contract."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE,
                                 related_name="expert_scores")
    kind = models.CharField(_("evaluation"), max_length=8, choices=EvaluationKind.choices)
    assessor = models.CharField(_("expert or third-party assessor"), max_length=100)
    third_party = models.BooleanField(_("third-party assessor"), default=False)
    score = models.DecimalField(_("score"), **SCORE, validators=SCORE_RANGE)
    note = models.TextField(_("note"), blank=True, **bounded_text(NOTE_TEXT))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expert score")
        verbose_name_plural = _("expert scores")
        ordering = ["contract", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "kind", "assessor"], name="expert_score_once"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="expert_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.assessor}: {self.score}"

    @property
    def audit_region(self):
        return self.contract.region


WEIGHT_FIELDS = ("weight_indicators", "weight_satisfaction", "weight_spending", "weight_timeliness", "weight_experts")


def _weight(label, default):
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=Decimal(default),
                               validators=[MinValueValidator(0), MaxValueValidator(100)])


def _threshold(label, default):
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=Decimal(default),
                               validators=[MinValueValidator(0), MaxValueValidator(100)])


class EvaluationSettings(TenantOwnedModel):
    """Weights of the components (sum 100) and the band thresholds, one row per tenant (defaults without one).

    Resident satisfaction weighs most by default, as the seeds ask."""

    weight_indicators = _weight(_("indicator completion weight (%)"), "25")
    weight_satisfaction = _weight(_("resident satisfaction weight (%)"), "30")
    weight_spending = _weight(_("spending compliance weight (%)"), "15")
    weight_timeliness = _weight(_("report timeliness weight (%)"), "10")
    weight_experts = _weight(_("expert and third-party score weight (%)"), "20")
    band_excellent = _threshold(_("excellent from"), "90")
    band_good = _threshold(_("good from"), "80")
    band_pass = _threshold(_("pass from"), "60")

    class Meta:
        verbose_name = _("evaluation settings")
        verbose_name_plural = _("evaluation settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="evaluation_settings_one_per_tenant"),
            models.CheckConstraint(
                condition=Q(band_excellent__gt=F("band_good"), band_good__gt=F("band_pass"), band_pass__gt=0),
                name="evaluation_settings_band_order"),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def clean(self):
        total = sum((getattr(self, name) or Decimal(0) for name in WEIGHT_FIELDS), Decimal(0))
        if total != Decimal(100):
            raise ValidationError(_("The weights must sum to 100; they sum to %(total)s.")
                                  % {"total": f"{total.normalize():f}"})
        if not (self.band_excellent or 0) > (self.band_good or 0) > (self.band_pass or 0) > 0:
            raise ValidationError(_("The thresholds must descend: excellent above good above pass, above zero."))
