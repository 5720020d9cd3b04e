"""Funding programs / annual calls (资金项目 / 年度申报) and their review templates."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.models import Conclusion, Grade
from orgs.models.limits import LONG_TEXT, NOTE_TEXT, bounded_text

MONEY = {"max_digits": 14, "decimal_places": 2}
WEIGHT = {"max_digits": 5, "decimal_places": 2}
SCORE = {"max_digits": 7, "decimal_places": 2}


class ProgramKind(models.TextChoices):
    GOVERNMENT_PURCHASE = "government_purchase", _("Government purchase of services")  # 政府购买服务
    VENTURE_PHILANTHROPY = "venture_philanthropy", _("Venture philanthropy")  # 公益创投
    SELF_GOVERNANCE_FUND = "self_governance_fund", _("Community self-governance fund")  # 社区自治金
    FUNDS_FOLLOW_TASKS = "funds_follow_tasks", _("Entrusted matters, funds follow tasks")  # 费随事转


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    OPEN = "open", _("Open for applications")  # 申报中
    REVIEWING = "reviewing", _("Under review")  # 评审中
    CLOSED = "closed", _("Closed")  # 已结束


class ReviewTemplate(TenantOwnedModel):
    """Review template (评审模板): weighted criteria; weights sum to 100 (checked by the service)."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, **bounded_text(NOTE_TEXT))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review template")
        verbose_name_plural = _("review templates")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="review_template_unique_name")]

    def __str__(self) -> str:
        return self.name


class ReviewCriterion(TenantOwnedModel):
    """One weighted criterion (评审指标) with its score range and guidance for the experts."""

    template = models.ForeignKey(ReviewTemplate, verbose_name=_("review template"), on_delete=models.CASCADE,
                                 related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.DecimalField(_("weight (%)"), **WEIGHT,
                                 validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)])
    min_score = models.DecimalField(_("lowest score"), **SCORE, default=0, validators=[MinValueValidator(0)])
    max_score = models.DecimalField(_("highest score"), **SCORE, default=10)
    guidance = models.TextField(_("guidance"), blank=True, **bounded_text(NOTE_TEXT))
    allow_not_applicable = models.BooleanField(_("n/a allowed"), default=True)

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["template", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100), name="criterion_weight_range"),
            models.CheckConstraint(condition=Q(min_score__gte=0) & Q(max_score__gt=F("min_score")),
                                   name="criterion_score_range"),
            models.UniqueConstraint(fields=["template", "name"], name="criterion_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class FundingProgram(TenantOwnedModel):
    """A funding program or annual call (资金项目 / 年度申报), owned by a street or district region.

    Eligibility of bidding organizations is declared as fields so that each rule can be explained
    to an ineligible organization (``projects.services.eligibility``).
    """

    region = models.ForeignKey("governance.Region", verbose_name=_("owner region"), on_delete=models.PROTECT,
                               related_name="+")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=ProgramKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    description = models.TextField(_("description"), blank=True, **bounded_text(LONG_TEXT))
    status = models.CharField(_("status"), max_length=16, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT)
    budget_pool = models.DecimalField(_("budget pool (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    cap_per_application = models.DecimalField(_("cap per application (yuan)"), **MONEY,
                                              validators=[MinValueValidator(Decimal("0.01"))])
    application_opens = models.DateField(_("applications open"))
    application_closes = models.DateField(_("applications close"))
    review_opens = models.DateField(_("review opens"))
    review_closes = models.DateField(_("review closes"))
    review_template = models.ForeignKey(ReviewTemplate, verbose_name=_("review template"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="programs")
    experts_per_application = models.PositiveSmallIntegerField(
        _("experts per application"), default=5, validators=[MinValueValidator(1), MaxValueValidator(15)])
    spread_margin = models.DecimalField(
        _("spread margin (points of 100)"), **WEIGHT, default=Decimal("20"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Experts' weighted scores further apart than this are flagged."))
    pass_score = models.DecimalField(
        _("pass mark (points of 100)"), **WEIGHT, default=Decimal("60"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Applications scoring below it are not funded."))
    # Eligibility rules (资格条件) of the organizations that may bid or apply.
    min_grade = models.CharField(_("minimum grade"), max_length=2, choices=Grade.choices, blank=True)
    require_not_credit_listed = models.BooleanField(_("not on a credit list"), default=True)
    require_active = models.BooleanField(_("active status"), default=True)
    min_years_registered = models.PositiveSmallIntegerField(_("registered for at least (years)"), default=0,
                                                            validators=[MaxValueValidator(50)])
    min_last_conclusion = models.CharField(_("last annual inspection at least"), max_length=32,
                                           choices=Conclusion.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("funding program")
        verbose_name_plural = _("funding programs")
        ordering = ["-year", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(budget_pool__gt=0), name="program_budget_positive"),
            models.CheckConstraint(condition=Q(cap_per_application__gt=0)
                                   & Q(cap_per_application__lte=F("budget_pool")), name="program_cap_within_pool"),
            models.CheckConstraint(condition=Q(application_closes__gte=F("application_opens")),
                                   name="program_application_window"),
            models.CheckConstraint(condition=Q(review_closes__gte=F("review_opens"))
                                   & Q(review_opens__gte=F("application_opens")), name="program_review_window"),
            models.CheckConstraint(condition=Q(experts_per_application__gte=1), name="program_experts_positive"),
            models.UniqueConstraint(fields=["tenant", "region", "year", "name"], name="program_unique_name"),
        ]
        indexes = [
            models.Index(fields=["tenant", "region"], name="program_tenant_region_idx"),
            models.Index(fields=["tenant", "status", "year"], name="program_tenant_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The name with its year, once: "2026年居家养老服务购买" stays as it is, "居家养老服务购买" gets "2026 "."""
        return self.name if str(self.year) in self.name else f"{self.year} {self.name}"

    @property
    def decided_by_residents(self) -> bool:
        """社区自治金: the decision comes from a residents' consultation instead of a tender."""
        return self.kind == ProgramKind.SELF_GOVERNANCE_FUND
