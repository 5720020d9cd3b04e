"""Applications (项目申报) with their budget lines, task book (任务书) and residents' consultation."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.tenancy import TenantOwnedModel
from orgs.models.limits import LONG_TEXT, NOTE_TEXT, bounded_text
from projects.models.programs import MONEY, SCORE, WEIGHT, FundingProgram


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")  # 已提交
    IN_REVIEW = "in_review", _("In expert review")  # 专家评审中
    APPROVED = "approved", _("Approved")  # 已立项
    RETURNED = "returned", _("Returned for revision")  # 退回修改
    REJECTED = "rejected", _("Rejected")  # 未通过


class Application(TenantOwnedModel):
    """An application (项目申报) by a community or street office to a funding program.

    ``region`` is the applying unit (its staff are the applicant's staff for conflict checks).
    ``applicant_organization`` is set when an organization applies (公益创投); ``likely_bidders`` are
    organizations expected to bid, whose employees may not review it.
    """

    program = models.ForeignKey(FundingProgram, verbose_name=_("funding program"), on_delete=models.PROTECT,
                                related_name="applications")
    region = models.ForeignKey("governance.Region", verbose_name=_("applying unit"), on_delete=models.PROTECT,
                               related_name="+")
    number = models.CharField(_("number"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    need_statement = models.TextField(_("need statement"), **bounded_text(LONG_TEXT))
    target_groups = models.CharField(_("target groups"), max_length=200)
    beneficiaries = models.PositiveIntegerField(_("beneficiaries"), default=0)
    service_period_months = models.PositiveSmallIntegerField(
        _("service period (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(36)])
    applicant_organization = models.ForeignKey("orgs.Organization", verbose_name=_("applicant organization"),
                                               null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    likely_bidders = models.ManyToManyField("orgs.Organization", verbose_name=_("likely bidders"), blank=True,
                                            related_name="+")
    requested_amount = models.DecimalField(_("requested amount (yuan)"), **MONEY, default=0,
                                           help_text=_("Sum of the budget lines."))
    approved_amount = models.DecimalField(_("approved amount (yuan)"), **MONEY, null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True, **bounded_text(NOTE_TEXT))
    # Aggregate of the expert review, written when the last expert submits (projects.services.scoring).
    final_score = models.DecimalField(_("final score"), **SCORE, null=True, blank=True)
    score_spread = models.DecimalField(_("score spread"), **SCORE, null=True, blank=True)
    spread_flagged = models.BooleanField(_("experts disagree"), default=False)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="application_unique_number"),
            models.CheckConstraint(condition=Q(requested_amount__gte=0), name="application_requested_nonneg"),
            models.CheckConstraint(condition=Q(approved_amount__isnull=True) | Q(approved_amount__gt=0),
                                   name="application_approved_positive"),
            models.CheckConstraint(condition=~Q(status="approved") | Q(approved_amount__isnull=False),
                                   name="application_approved_has_amount"),
        ]
        indexes = [
            models.Index(fields=["tenant", "region"], name="application_tenant_region_idx"),
            models.Index(fields=["tenant", "program", "status"], name="application_program_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ApplicationCosigner(TenantOwnedModel):
    """A residents' representative co-signing an application (居民代表联署)."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="cosigners")
    name = models.CharField(_("name"), max_length=50)
    capacity = models.CharField(_("capacity"), max_length=100, blank=True,
                                help_text=_("e.g. residents' representative, building head."))
    signed_on = models.DateField(_("signed on"))

    class Meta:
        verbose_name = _("co-signer")
        verbose_name_plural = _("co-signers")
        ordering = ["application", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "name"], name="cosigner_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_region(self):
        return self.application.region


class BudgetCategory(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel")  # 人员经费
    ACTIVITIES = "activities", _("Activities")  # 活动经费
    MATERIALS = "materials", _("Materials")  # 物资材料
    VENUE = "venue", _("Venue and equipment")  # 场地设备
    TRAINING = "training", _("Training and supervision")  # 培训督导
    PUBLICITY = "publicity", _("Publicity")  # 宣传
    MANAGEMENT = "management", _("Management")  # 管理费
    OTHER = "other", _("Other")


class BudgetLine(TenantOwnedModel):
    """A budget line (预算明细): category, amount, rationale; the total stays within the program's cap."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="budget_lines")
    category = models.CharField(_("category"), max_length=16, choices=BudgetCategory.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    rationale = models.CharField(_("rationale"), max_length=500)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}"

    @property
    def audit_region(self):
        return self.application.region


class IndicatorKind(models.TextChoices):
    OUTPUT = "output", _("Output")  # 产出指标
    OUTCOME = "outcome", _("Outcome")  # 效果指标
    SATISFACTION = "satisfaction", _("Satisfaction")  # 满意度指标
    PROCESS = "process", _("Process")  # 过程指标


class Direction(models.TextChoices):
    """Akvo RSR ``ascending``: whether more is better."""

    ASCENDING = "ascending", _("Higher is better")  # 越高越好
    DESCENDING = "descending", _("Lower is better")  # 越低越好


class Aggregation(models.TextChoices):
    CUMULATIVE = "cumulative", _("Cumulative")  # 累计
    PER_PERIOD = "per_period", _("Per period")  # 按期


class IndicatorFields(models.Model):
    """The results-framework shape (Akvo RSR indicator / OCDS metric) shared by task book and contract."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("indicator"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=IndicatorKind.choices)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("e.g. persons, sessions, %."))
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    weight = models.DecimalField(_("weight (%)"), **WEIGHT,
                                 validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)])
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices,
                                 default=Direction.ASCENDING)
    aggregation = models.CharField(_("aggregation"), max_length=12, choices=Aggregation.choices,
                                   default=Aggregation.CUMULATIVE)
    verification = models.CharField(_("means of verification"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name}: {self.target} {self.unit}"

    @property
    def is_share(self) -> bool:
        """A percentage (unit ``%``): reported as numerator and denominator, never summed over periods."""
        return (self.unit or "").strip() == "%"

    def clean(self):
        super().clean()
        if not self.is_share:
            return
        errors = {}
        if self.aggregation == Aggregation.CUMULATIVE:
            errors["aggregation"] = [_("A percentage cannot be added up over periods: choose “per period”.")]
        for name in ("baseline", "target"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 100:
                errors[name] = [_("A percentage lies between 0 and 100.")]
        if errors:
            raise ValidationError(errors)


class Indicator(TenantOwnedModel, IndicatorFields):
    """An indicator of the task book (任务书指标); weights sum to 100 (checked by the service)."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="indicators")

    class Meta:
        verbose_name = _("task book indicator")
        verbose_name_plural = _("task book indicators")
        ordering = ["application", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100), name="indicator_weight_range"),
        ]

    @property
    def audit_region(self):
        return self.application.region


def attachment_upload_to(instance, filename: str) -> str:
    return f"projects/{instance.upload_dir}/{timezone.now():%Y}/{filename}"


class AttachmentFields(models.Model):
    """A file attached to an application or a bid."""

    upload_dir = "files"
    file = models.FileField(_("file"), upload_to=attachment_upload_to)
    name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class ApplicationAttachment(TenantOwnedModel, AttachmentFields):
    """A file attached to an application (申报附件): a survey, minutes, a letter of support."""

    upload_dir = "applications"
    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="attachments")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "name"],
                                               name="application_attachment_unique_name")]

    @property
    def audit_region(self):
        return self.application.region


class ConsultationOutcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")  # 通过
    NOT_ADOPTED = "not_adopted", _("Not adopted")  # 未通过


class ResidentConsultation(TenantOwnedModel):
    """Residents' consultation (居民议事协商) that decides a 社区自治金 application instead of a tender.

    ``meeting_reference`` is free text until grid/ links its meetings.
    """

    application = models.OneToOneField(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                       related_name="consultation")
    held_on = models.DateField(_("held on"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    meeting_reference = models.CharField(_("meeting reference"), max_length=100, blank=True)
    participants = models.PositiveIntegerField(_("participants"))
    votes_for = models.PositiveIntegerField(_("votes for"))
    votes_against = models.PositiveIntegerField(_("votes against"), default=0)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), default=0)
    minutes = models.TextField(_("minutes"), **bounded_text(LONG_TEXT))
    outcome = models.CharField(_("outcome"), max_length=16, choices=ConsultationOutcome.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("residents' consultation")
        verbose_name_plural = _("residents' consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__gte=models.F("votes_for") + models.F("votes_against")
                            + models.F("votes_abstain")),
                name="consultation_votes_within_participants"),
            models.CheckConstraint(condition=Q(participants__gt=0), name="consultation_participants_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.held_on}"

    @property
    def audit_region(self):
        return self.application.region
