"""Filing applications of community groups (社区社会组织备案)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.models.limits import NOTE_TEXT, bounded_text
from orgs.models.organizations import Organization


class FilingStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting community review")  # 待社区审核
    COMMUNITY_APPROVED = "community_approved", _("Community approved, awaiting street approval")  # 待街道审批
    FILED = "filed", _("Filed")  # 已备案
    REJECTED = "rejected", _("Rejected")  # 已驳回


class Filing(TenantOwnedModel):
    """Filing application of a community group (社区社会组织备案)."""

    organization = models.OneToOneField(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                        related_name="filing")
    status = models.CharField(_("status"), max_length=24, choices=FilingStatus.choices,
                              default=FilingStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True, **bounded_text(NOTE_TEXT))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["tenant", "status"], name="filing_tenant_status_idx")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_status_display()}"

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.organization.region
