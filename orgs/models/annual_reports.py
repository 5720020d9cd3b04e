"""Annual reports (年检/年报), their campaigns and attachments."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.models.limits import LONG_TEXT, NOTE_TEXT, bounded_text
from orgs.models.organizations import Organization


class InspectionCampaign(TenantOwnedModel):
    """Yearly annual-report campaign (年检/年报工作): opens a report for every active organization."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    due_date = models.DateField(_("due date"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("annual report campaign")
        verbose_name_plural = _("annual report campaigns")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["tenant", "year"], name="campaign_unique_year")]

    def __str__(self) -> str:
        return str(self.year)


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open, not submitted")  # 待填报
    SUBMITTED = "submitted", _("Submitted, awaiting review")  # 待审核
    RETURNED = "returned", _("Returned for correction")  # 退回修改
    REVIEWED = "reviewed", _("Reviewed")  # 已审核


class Conclusion(models.TextChoices):
    QUALIFIED = "qualified", _("Qualified")  # 合格
    BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified")  # 基本合格
    UNQUALIFIED = "unqualified", _("Unqualified")  # 不合格


class AnnualReport(TenantOwnedModel):
    """Annual inspection / annual report of one organization for one year (年检/年报)."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="annual_reports")
    campaign = models.ForeignKey(InspectionCampaign, verbose_name=_("campaign"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    income_government = models.DecimalField(_("income from government purchase"), max_digits=14, decimal_places=2,
                                            default=0, validators=[MinValueValidator(0)])
    income_donations = models.DecimalField(_("income from donations"), max_digits=14, decimal_places=2, default=0,
                                           validators=[MinValueValidator(0)])
    income_dues = models.DecimalField(_("income from dues"), max_digits=14, decimal_places=2, default=0,
                                      validators=[MinValueValidator(0)])
    income_services = models.DecimalField(_("income from services"), max_digits=14, decimal_places=2, default=0,
                                          validators=[MinValueValidator(0)])
    income_other = models.DecimalField(_("other income"), max_digits=14, decimal_places=2, default=0,
                                       validators=[MinValueValidator(0)])
    spending = models.DecimalField(_("spending"), max_digits=14, decimal_places=2, default=0,
                                   validators=[MinValueValidator(0)])
    net_assets = models.DecimalField(_("net assets"), max_digits=14, decimal_places=2, default=0)
    activities_summary = models.TextField(_("activities summary"), blank=True, **bounded_text(LONG_TEXT))
    party_building_report = models.TextField(_("Party-building report"), blank=True, **bounded_text(LONG_TEXT))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=24, choices=Conclusion.choices, blank=True)
    review_note = models.TextField(_("review note"), blank=True, **bounded_text(NOTE_TEXT))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "organization__name"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="report_unique_org_year")]
        indexes = [models.Index(fields=["tenant", "status", "due_date"], name="report_tenant_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.year}"

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.organization.region

    @property
    def total_income(self):
        return (self.income_government + self.income_donations + self.income_dues + self.income_services
                + self.income_other)


class ReportAttachment(TenantOwnedModel):
    report = models.ForeignKey(AnnualReport, verbose_name=_("annual report"), on_delete=models.CASCADE,
                               related_name="attachments")
    file = models.FileField(_("file"), upload_to="orgs/reports/%Y/")
    name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.report.organization.region
