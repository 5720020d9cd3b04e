"""Credit lists (信用名单) under MCA Order 60."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.models.annual_reports import AnnualReport
from orgs.models.limits import NOTE_TEXT, bounded_text
from orgs.models.organizations import Organization


class CreditList(models.TextChoices):
    ABNORMAL = "abnormal", _("Abnormal activities list")  # 活动异常名录
    SERIOUS = "serious", _("Serious dishonesty list")  # 严重违法失信名单


class CreditReason(models.TextChoices):
    """Entry reasons of MCA Order 60 (2018), DESIGN.md §6."""

    # abnormal-activities list
    ANNUAL_REPORT_OVERDUE = "annual_report_overdue", _("Annual report not filed as required")
    PARTY_ORG_NOT_SET = "party_org_not_set", _("Party organization not set up as required")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("Rectification not completed on time")
    UNREACHABLE = "unreachable", _("Unreachable at the registered address")
    WARNING_OR_SMALL_FINE = "warning_small_fine", _("Warning or fine under ¥50,000")
    # serious-dishonesty list
    ABNORMAL_TWO_YEARS = "abnormal_two_years", _("Two full years on the abnormal list")
    FRAUD_REVOKED = "fraud_revoked", _("Registration change obtained by fraud and revoked")
    SUSPENSION_ORDERED = "suspension_ordered", _("Ordered to suspend activities")
    LARGE_FINE = "large_fine", _("Fine of ¥50,000 or more")
    REPEATED_PENALTIES = "repeated_penalties", _("Two or more warnings or small fines within 3 years")
    COURT_DEFAULTER = "court_defaulter", _("Listed by a court as a defaulter")
    REGISTRATION_REVOKED = "registration_revoked", _("Registration revoked")


ABNORMAL_REASONS = frozenset({
    CreditReason.ANNUAL_REPORT_OVERDUE, CreditReason.PARTY_ORG_NOT_SET, CreditReason.RECTIFICATION_OVERDUE,
    CreditReason.UNREACHABLE, CreditReason.WARNING_OR_SMALL_FINE,
})
SERIOUS_REASONS = frozenset(set(CreditReason.values) - {r.value for r in ABNORMAL_REASONS})
# Abnormal reasons that need no rectification: removed 6 months after the latest listing.
NO_RECTIFICATION_REASONS = frozenset({CreditReason.WARNING_OR_SMALL_FINE})


class CreditSource(models.TextChoices):
    AUTOMATIC = "auto", _("Daily rules job")
    MANUAL = "manual", _("Entered by staff")


class CreditRecord(TenantOwnedModel):
    """An entry on a credit list (信用记录); active while ``removed_on`` is empty."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="credit_records")
    list_type = models.CharField(_("list"), max_length=16, choices=CreditList.choices)
    reason = models.CharField(_("reason"), max_length=32, choices=CreditReason.choices)
    source = models.CharField(_("source"), max_length=8, choices=CreditSource.choices, default=CreditSource.MANUAL)
    listed_on = models.DateField(_("listed on"))
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)  # 决定书文号
    note = models.TextField(_("note"), blank=True, **bounded_text(NOTE_TEXT))
    annual_report = models.ForeignKey(AnnualReport, verbose_name=_("annual report"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="credit_records")
    rectification_applied_on = models.DateField(_("rectification applied on"), null=True, blank=True)
    rectification_verified_on = models.DateField(_("rectification verified on"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.TextField(_("removal reason"), blank=True, **bounded_text(NOTE_TEXT))
    moved_to = models.ForeignKey("self", verbose_name=_("moved to"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="moved_from")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("removed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-listed_on", "-id"]
        constraints = [
            # One active automatic entry per overdue report: the daily job can run twice safely.
            models.UniqueConstraint(fields=["annual_report"],
                                    condition=Q(removed_on__isnull=True, annual_report__isnull=False),
                                    name="credit_one_active_per_report"),
            # Two full years on the abnormal list is a fact about the organization: it is on the serious
            # list for it once at a time, whatever the job or a staff member does in parallel.
            models.UniqueConstraint(fields=["organization"],
                                    condition=Q(removed_on__isnull=True, list_type="serious",
                                                reason="abnormal_two_years"),
                                    name="credit_one_open_move_per_org",
                                    violation_error_message=_("The organization is already on the serious list "
                                                              "for two full years on the abnormal list.")),
        ]
        indexes = [
            models.Index(fields=["tenant", "list_type", "removed_on"], name="credit_tenant_list_idx"),
            models.Index(fields=["tenant", "organization", "removed_on"], name="credit_tenant_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_list_type_display()} · {self.get_reason_display()}"

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.organization.region

    @property
    def is_active(self) -> bool:
        return self.removed_on is None


class CreditExitStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Refused")


class CreditExitApplication(TenantOwnedModel):
    """An organization's application to leave the serious dishonesty list (移出严重违法失信名单申请).

    Made in the portal or the API for one open serious-list entry; staff decide it (``orgs.workflows``).
    """

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="credit_exit_applications")
    record = models.ForeignKey(CreditRecord, verbose_name=_("credit record"), on_delete=models.CASCADE,
                               related_name="exit_applications")
    status = models.CharField(_("status"), max_length=16, choices=CreditExitStatus.choices,
                              default=CreditExitStatus.PENDING)
    statement = models.TextField(_("statement"), blank=True, **bounded_text(NOTE_TEXT))
    applied_on = models.DateField(_("applied on"))
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applied by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, **bounded_text(NOTE_TEXT))

    class Meta:
        verbose_name = _("application to leave the serious list")
        verbose_name_plural = _("applications to leave the serious list")
        ordering = ["-applied_at", "-id"]
        constraints = [
            # A double click or two parallel requests leave one application awaiting the decision.
            models.UniqueConstraint(fields=["record"], condition=Q(status="pending"),
                                    name="credit_exit_one_pending_per_record",
                                    violation_error_message=_("An application to leave the serious list for "
                                                              "this entry already awaits the decision.")),
        ]
        indexes = [models.Index(fields=["tenant", "status"], name="credit_exit_tenant_status_idx")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_status_display()}"

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.organization.region
