"""Change requests (变更申请) of key fields, made in the portal and decided by staff."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.models.limits import NOTE_TEXT, bounded_text
from orgs.models.organizations import Organization


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class OrgChangeRequest(TenantOwnedModel):
    """A change of key fields requested by an organization user in the portal, approved by staff."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="change_requests")
    changes = models.JSONField(_("requested changes"), default=dict, help_text=_("{field: [current, requested]}"))
    status = models.CharField(_("status"), max_length=16, choices=ChangeRequestStatus.choices,
                              default=ChangeRequestStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, **bounded_text(NOTE_TEXT))

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_status_display()}"

    @property
    def audit_region(self):
        """Jurisdiction recorded on this row's audit events (auditors see their subtree's events)."""
        return self.organization.region
