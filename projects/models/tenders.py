"""Tenders (招标/竞争性磋商), bids, bid evaluation and awards, in OCDS 1.1 terms."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.models.limits import LONG_TEXT, NOTE_TEXT, bounded_text
from projects.models.applications import Application, AttachmentFields
from projects.models.experts import Expert
from projects.models.programs import MONEY, SCORE, WEIGHT


class TenderStatus(models.TextChoices):
    """OCDS tenderStatus."""

    PLANNING = "planning", _("Planning")  # 准备中
    ACTIVE = "active", _("Open for bids")  # 投标中
    COMPLETE = "complete", _("Complete")  # 已完成
    CANCELLED = "cancelled", _("Cancelled")  # 已取消
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")  # 流标


class Tender(TenantOwnedModel):
    """A tender for an approved application; ``ocid`` identifies the OCDS process.

    A project is tendered once (``round`` 1); a renewal review that decides to re-tender opens the next round
    on the same task book (``projects.services.renewals``), a new OCDS process with its own ``ocid``."""

    application = models.ForeignKey(Application, verbose_name=_("project"), on_delete=models.PROTECT,
                                    related_name="tenders")
    round = models.PositiveSmallIntegerField(_("round"), default=1, validators=[MinValueValidator(1)])
    region = models.ForeignKey("governance.Region", verbose_name=_("buyer region"), on_delete=models.PROTECT,
                               related_name="+")
    ocid = models.CharField(_("OCDS id"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, **bounded_text(LONG_TEXT))
    status = models.CharField(_("status"), max_length=16, choices=TenderStatus.choices, default=TenderStatus.PLANNING)
    budget_amount = models.DecimalField(_("budget (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    bid_opens = models.DateTimeField(_("bids open"))
    bid_closes = models.DateTimeField(_("bids close"))
    price_weight = models.DecimalField(_("price weight (%)"), **WEIGHT, default=Decimal("30"),
                                       validators=[MinValueValidator(0), MaxValueValidator(100)])
    quality_weight = models.DecimalField(_("quality weight (%)"), **WEIGHT, default=Decimal("70"),
                                         validators=[MinValueValidator(0), MaxValueValidator(100)])
    standstill_days = models.PositiveSmallIntegerField(_("standstill period (days)"), default=7,
                                                       validators=[MaxValueValidator(60)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        ordering = ["-bid_closes", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "ocid"], name="tender_unique_ocid"),
            models.UniqueConstraint(fields=["application", "round"], name="tender_unique_round"),
            models.CheckConstraint(condition=Q(budget_amount__gt=0), name="tender_budget_positive"),
            models.CheckConstraint(condition=Q(bid_closes__gt=F("bid_opens")), name="tender_bid_window"),
            models.CheckConstraint(condition=Q(price_weight__gte=0, quality_weight__gte=0)
                                   & Q(price_weight=Decimal("100") - F("quality_weight")),
                                   name="tender_weights_sum_100"),
        ]
        indexes = [
            models.Index(fields=["tenant", "region"], name="tender_tenant_region_idx"),
            models.Index(fields=["tenant", "status"], name="tender_tenant_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class BidStatus(models.TextChoices):
    """OCDS bidStatus."""

    PENDING = "pending", _("Pending")  # 待审查
    VALID = "valid", _("Valid")  # 有效
    DISQUALIFIED = "disqualified", _("Disqualified")  # 无效/资格不符
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已撤回


class Bid(TenantOwnedModel):
    """A bid by an organization; ``budget_breakdown`` is OCDS budgetBreakdown: [{category, amount, description}]."""

    tender = models.ForeignKey(Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="bids")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=BidStatus.choices, default=BidStatus.PENDING)
    proposal = models.TextField(_("proposal"), **bounded_text(LONG_TEXT))
    team_size = models.PositiveSmallIntegerField(_("team size"), default=0)
    team_social_workers = models.PositiveSmallIntegerField(_("licensed social workers in the team"), default=0)
    team_description = models.TextField(_("team"), blank=True, **bounded_text(NOTE_TEXT))
    price = models.DecimalField(_("price (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    budget_breakdown = models.JSONField(_("budget breakdown"), default=list, blank=True)
    status_reason = models.TextField(_("status reason"), blank=True, **bounded_text(NOTE_TEXT))
    eligibility_snapshot = models.JSONField(_("eligibility at bid time"), default=dict, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["tender", "submitted_at", "id"]
        constraints = [
            # One live bid per organization and tender: parallel double submissions lose in the database.
            models.UniqueConstraint(fields=["tender", "organization"], condition=~Q(status="withdrawn"),
                                    name="bid_one_live_per_org"),
            models.CheckConstraint(condition=Q(price__gt=0), name="bid_price_positive"),
            models.CheckConstraint(condition=Q(team_social_workers__lte=F("team_size")),
                                   name="bid_social_workers_within_team"),
        ]
        indexes = [models.Index(fields=["tenant", "organization"], name="bid_tenant_org_idx")]

    def __str__(self) -> str:
        return f"{self.tender} · {self.organization}"

    @property
    def audit_region(self):
        return self.tender.region


class BidAttachment(TenantOwnedModel, AttachmentFields):
    upload_dir = "bids"
    bid = models.ForeignKey(Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="attachments")

    class Meta:
        verbose_name = _("bid attachment")
        verbose_name_plural = _("bid attachments")
        ordering = ["bid", "id"]

    @property
    def audit_region(self):
        return self.bid.tender.region


class BidEvaluation(TenantOwnedModel):
    """An evaluator's price and quality scores of a bid (0-100 each; the total uses the tender's weights).

    ``expert`` is set when a pool expert evaluates: the next round's draw excludes them from
    applications this organization may bid for ("reviewed the same organization's bid last round").
    """

    bid = models.ForeignKey(Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="evaluations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    expert = models.ForeignKey(Expert, verbose_name=_("expert"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="bid_evaluations")
    quality_score = models.DecimalField(_("quality score"), **SCORE,
                                        validators=[MinValueValidator(0), MaxValueValidator(100)])
    price_score = models.DecimalField(_("price score"), **SCORE,
                                      validators=[MinValueValidator(0), MaxValueValidator(100)])
    total_score = models.DecimalField(_("total score"), **SCORE)
    note = models.TextField(_("note"), blank=True, **bounded_text(NOTE_TEXT))
    evaluated_at = models.DateTimeField(_("evaluated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bid evaluation")
        verbose_name_plural = _("bid evaluations")
        ordering = ["bid", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quality_score__gte=0, quality_score__lte=100)
                                   & Q(price_score__gte=0, price_score__lte=100)
                                   & Q(total_score__gte=0, total_score__lte=100), name="bid_evaluation_ranges"),
            models.UniqueConstraint(fields=["bid", "evaluator"], condition=Q(evaluator__isnull=False),
                                    name="bid_evaluation_one_per_evaluator"),
        ]

    def __str__(self) -> str:
        return f"{self.bid} · {self.total_score}"

    @property
    def audit_region(self):
        return self.bid.tender.region


class AwardStatus(models.TextChoices):
    """OCDS awardStatus."""

    PENDING = "pending", _("Standstill period")  # 公示期
    ACTIVE = "active", _("Active")  # 已生效
    CANCELLED = "cancelled", _("Cancelled")  # 已撤销
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")  # 未成交


class Award(TenantOwnedModel):
    """The award (中标/成交) of a tender to one bid; at most one award that is not cancelled per tender."""

    tender = models.ForeignKey(Tender, verbose_name=_("tender"), on_delete=models.PROTECT, related_name="awards")
    bid = models.ForeignKey(Bid, verbose_name=_("bid"), on_delete=models.PROTECT, related_name="awards")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("supplier"), on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=AwardStatus.choices, default=AwardStatus.PENDING)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.TextField(_("reason"), **bounded_text(NOTE_TEXT))
    standstill_ends = models.DateField(_("standstill ends"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tender"], condition=~Q(status__in=["cancelled", "unsuccessful"]),
                                    name="award_one_per_tender"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive"),
        ]
        indexes = [models.Index(fields=["tenant", "organization"], name="award_tenant_org_idx")]

    def __str__(self) -> str:
        return f"{self.tender} → {self.organization}"

    @property
    def audit_region(self):
        return self.tender.region
