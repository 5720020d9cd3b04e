"""Progress reports (进度报告) of a service contract, their figures, and tranche payments (OCDS transactions).

A contract's report schedule is a set of ``ProgressReport`` rows generated from its term (one per period);
the organization fills a report in (indicator actuals, activities, beneficiaries, expenditure lines against
the application's budget lines, evidence files) and submits it; staff approve it or return it with
comments. Only approved figures count (``projects.services.reports.contract_approved_actuals``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.models.limits import LONG_TEXT, NOTE_TEXT, bounded_text
from projects.models.applications import AttachmentFields, BudgetLine
from projects.models.contracts import Contract, ContractIndicator, PaymentTranche
from projects.models.programs import MONEY


class ReportStatus(models.TextChoices):
    """Akvo RSR's update states."""

    DRAFT = "draft", _("Draft")  # 草稿
    SUBMITTED = "submitted", _("Submitted for review")  # 待审核
    APPROVED = "approved", _("Approved")  # 已通过
    RETURNED = "returned", _("Returned for revision")  # 退回修改


class ReportKind(models.TextChoices):
    PERIODIC = "periodic", _("Periodic report")  # 定期报告
    MIDTERM = "midterm", _("Mid-term report")  # 中期报告
    FINAL = "final", _("Final report")  # 结项报告


class ProgressReport(TenantOwnedModel):
    """One period of a contract's report schedule (报告计划), filled in by the supplier organization."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE,
                                 related_name="progress_reports")
    sequence = models.PositiveSmallIntegerField(_("sequence"), validators=[MinValueValidator(1)])
    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices, default=ReportKind.PERIODIC)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # The tranche whose release waits for this report's approval (set when the schedule is generated).
    tranche = models.OneToOneField(PaymentTranche, verbose_name=_("releases tranche"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="gate_report")
    activities_held = models.PositiveIntegerField(_("activities held"), default=0)
    beneficiaries_reached = models.PositiveIntegerField(_("beneficiaries reached"), default=0)
    summary = models.TextField(_("summary"), blank=True, **bounded_text(LONG_TEXT))
    review_comment = models.TextField(_("review comments"), blank=True, **bounded_text(NOTE_TEXT))
    overdue = models.BooleanField(_("overdue"), default=False)
    reminded_before = models.BooleanField(_("reminder before the due date sent"), default=False)
    reminded_after = models.BooleanField(_("reminder after the due date sent"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["contract", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "sequence"], name="progress_report_unique_sequence"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="progress_report_period"),
        ]
        indexes = [models.Index(fields=["tenant", "status", "due_date"], name="progress_report_due_idx")]

    def __str__(self) -> str:
        return f"{self.contract.number} · {self.sequence} ({self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d})"

    @property
    def audit_region(self):
        return self.contract.region


class IndicatorActual(TenantOwnedModel):
    """The figure a report gives for one contract indicator: a value, or numerator/denominator for a share."""

    report = models.ForeignKey(ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="actuals")
    indicator = models.ForeignKey(ContractIndicator, verbose_name=_("indicator"), on_delete=models.CASCADE,
                                  related_name="actuals")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=14, decimal_places=2, null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True, **bounded_text(NOTE_TEXT))

    class Meta:
        verbose_name = _("indicator actual")
        verbose_name_plural = _("indicator actuals")
        ordering = ["report", "indicator__position", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicator_actual_unique"),
            models.CheckConstraint(condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                                   name="indicator_actual_denominator_positive"),
        ]

    @property
    def audit_region(self):
        return self.report.contract.region


class ReportExpenditure(TenantOwnedModel):
    """Money spent in the period against one budget line of the contract's application (支出明细)."""

    report = models.ForeignKey(ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="expenditures")
    budget_line = models.ForeignKey(BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT,
                                    related_name="+")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("expenditure line")
        verbose_name_plural = _("expenditure lines")
        ordering = ["report", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="report_expenditure_positive")]

    @property
    def audit_region(self):
        return self.report.contract.region


class ReportEvidence(TenantOwnedModel, AttachmentFields):
    """An evidence file (佐证材料) of a report: photos, sign-in sheets, invoices."""

    upload_dir = "reports"
    report = models.ForeignKey(ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="evidence")

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["report", "id"]

    @property
    def audit_region(self):
        return self.report.contract.region


class TranchePayment(TenantOwnedModel):
    """The payment of a released tranche: an OCDS ``implementation.transactions`` entry (one per tranche)."""

    tranche = models.OneToOneField(PaymentTranche, verbose_name=_("tranche"), on_delete=models.PROTECT,
                                   related_name="payment")
    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.PROTECT,
                                 related_name="payments")
    date = models.DateField(_("payment date"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    payer_name = models.CharField(_("payer"), max_length=200)
    payee_name = models.CharField(_("payee"), max_length=200)
    payee = models.ForeignKey("orgs.Organization", verbose_name=_("payee organization"), on_delete=models.PROTECT,
                              related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tranche payment")
        verbose_name_plural = _("tranche payments")
        ordering = ["contract", "date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_payment_positive")]

    def __str__(self) -> str:
        return f"{self.contract.number} · {self.date:%Y-%m-%d} {self.amount}"

    @property
    def audit_region(self):
        return self.contract.region


class ReportSettings(TenantOwnedModel):
    """One row per tenant (set in the admin); a tenant without a row uses the field defaults."""

    period_months = models.PositiveSmallIntegerField(
        _("report period (months)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("3 for quarterly reports."))
    due_days = models.PositiveSmallIntegerField(
        _("days after the period to report"), default=10, validators=[MaxValueValidator(60)])
    remind_days_before = models.PositiveSmallIntegerField(
        _("reminder days before the due date"), default=5, validators=[MaxValueValidator(60)])
    remind_days_after = models.PositiveSmallIntegerField(
        _("reminder days after the due date"), default=3, validators=[MaxValueValidator(60)])
    overhead_max_share = models.DecimalField(
        _("overhead share limit (%)"), max_digits=5, decimal_places=2, default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Management costs above this share of the spending are flagged."))

    class Meta:
        verbose_name = _("progress report settings")
        verbose_name_plural = _("progress report settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="report_settings_one_per_tenant")]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
