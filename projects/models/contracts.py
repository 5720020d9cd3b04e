"""Service contracts (服务协议), their indicators and payment tranches (OCDS milestones, Prozorro financing)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.models.limits import NOTE_TEXT, bounded_text
from projects.models.applications import Application, Indicator, IndicatorFields
from projects.models.programs import MONEY, WEIGHT
from projects.models.tenders import Award

# MoF Order 102 (2020): generally at most one year; at most three for continuous, stably funded services.
MAX_TERM_MONTHS = 12
MAX_CONTINUOUS_TERM_MONTHS = 36


class ContractStatus(models.TextChoices):
    """OCDS contractStatus."""

    PENDING = "pending", _("Not yet signed")  # 待签订
    ACTIVE = "active", _("Signed, in force")  # 履行中
    CANCELLED = "cancelled", _("Cancelled")  # 已解除
    TERMINATED = "terminated", _("Completed")  # 已履行完毕


class Contract(TenantOwnedModel):
    """A service contract between the buyer (``region``'s office) and the supplier organization."""

    application = models.ForeignKey(Application, verbose_name=_("project"), on_delete=models.PROTECT,
                                    related_name="contracts")
    award = models.OneToOneField(Award, verbose_name=_("award"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="contract")
    region = models.ForeignKey("governance.Region", verbose_name=_("buyer region"), on_delete=models.PROTECT,
                               related_name="+")
    buyer_name = models.CharField(_("buyer"), max_length=200)
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("supplier"), on_delete=models.PROTECT,
                                     related_name="+")
    number = models.CharField(_("contract number"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    continuous_service = models.BooleanField(
        _("continuous, stably funded service"), default=False,
        help_text=_("Allows a term of up to three years (MoF Order 102)."))
    prior_contract = models.ForeignKey("self", verbose_name=_("renews contract"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="renewals")
    status = models.CharField(_("status"), max_length=16, choices=ContractStatus.choices,
                              default=ContractStatus.PENDING)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True, **bounded_text(NOTE_TEXT))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="contract_unique_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="contract_term_order"),
            models.CheckConstraint(condition=Q(status="pending") | Q(status="cancelled") | Q(signed_on__isnull=False),
                                   name="contract_signed_has_date"),
            models.CheckConstraint(condition=Q(prior_contract__isnull=True) | ~Q(prior_contract=F("id")),
                                   name="contract_not_own_prior"),
        ]
        indexes = [
            models.Index(fields=["tenant", "region"], name="contract_tenant_region_idx"),
            models.Index(fields=["tenant", "organization"], name="contract_tenant_org_idx"),
            models.Index(fields=["tenant", "status", "end_date"], name="contract_status_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ContractIndicator(TenantOwnedModel, IndicatorFields):
    """An indicator of the contract, with its target copied from the task book (``source``)."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE,
                                 related_name="indicators")
    source = models.ForeignKey(Indicator, verbose_name=_("task book indicator"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("contract indicator")
        verbose_name_plural = _("contract indicators")
        ordering = ["contract", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100), name="contract_indicator_weight"),
        ]

    @property
    def audit_region(self):
        return self.contract.region


class TrancheTrigger(models.TextChoices):
    """What a tranche waits for when it has no fixed due date (OCDS milestone types, local practice)."""

    SIGNING = "signing", _("Contract signed")  # 合同签订
    MIDTERM_ACCEPTANCE = "midterm_acceptance", _("Mid-term evaluation accepted")  # 中期评估验收
    FINAL_ACCEPTANCE = "final_acceptance", _("Final evaluation accepted")  # 结项验收
    REPORT_APPROVED = "report_approved", _("Progress report approved")  # 进度报告审核通过


class TrancheStatus(models.TextChoices):
    """OCDS milestone status."""

    SCHEDULED = "scheduled", _("Scheduled")  # 待支付
    MET = "met", _("Paid")  # 已支付
    NOT_MET = "notMet", _("Withheld")  # 未支付


class PaymentTranche(TenantOwnedModel):
    """A payment milestone (分期付款): percentages of a contract sum to 100 (checked by the service)."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE,
                                 related_name="tranches")
    sequence = models.PositiveSmallIntegerField(_("sequence"), validators=[MinValueValidator(1)])
    percentage = models.DecimalField(_("percentage"), **WEIGHT,
                                     validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)])
    due_date = models.DateField(_("due date"), null=True, blank=True)
    trigger = models.CharField(_("trigger"), max_length=24, choices=TrancheTrigger.choices, blank=True)
    depends_on = models.ForeignKey("self", verbose_name=_("depends on"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="dependents")
    description = models.CharField(_("description"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=TrancheStatus.choices,
                              default=TrancheStatus.SCHEDULED)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment tranche")
        verbose_name_plural = _("payment tranches")
        ordering = ["contract", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "sequence"], name="tranche_unique_sequence"),
            models.CheckConstraint(condition=Q(percentage__gt=0, percentage__lte=100), name="tranche_percentage_range"),
            models.CheckConstraint(condition=Q(due_date__isnull=False) | ~Q(trigger=""), name="tranche_due_or_trigger"),
            models.CheckConstraint(condition=~Q(status="met") | Q(paid_on__isnull=False), name="tranche_paid_has_date"),
            models.CheckConstraint(condition=Q(depends_on__isnull=True) | ~Q(depends_on=F("id")),
                                   name="tranche_not_own_dependency"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} · {self.sequence} ({self.percentage}%)"

    @property
    def amount(self) -> Decimal:
        return (self.contract.amount * self.percentage / Decimal(100)).quantize(Decimal("0.01"))

    @property
    def audit_region(self):
        return self.contract.region
