"""Audit actions of the core, with their translated labels (registered in ``GovernanceConfig.ready``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GovernanceAudit(models.TextChoices):
    TENANT_CREATE = "tenant.create", _("Create tenant")
    REGION_CREATE = "region.create", _("Create region")
    REGION_UPDATE = "region.update", _("Change region")
    REGION_LOAD_DIVISIONS = "region.load_divisions", _("Load division codes")
    USER_CREATE = "user.create", _("Create user")
    ROLE_ASSIGN = "role.assign", _("Assign role")
    ROLE_REVOKE = "role.revoke", _("Revoke role")
    API_TOKEN_CREATE = "api_token.create", _("Create API token")
    API_TOKEN_REVOKE = "api_token.revoke", _("Revoke API token")
    SENSITIVE_REVEALED = "sensitive.revealed", _("View personal data in full")
    SENSITIVE_EXPORTED = "sensitive.exported", _("Export personal data in full")
    SENSITIVE_ROTATED = "sensitive.rotated", _("Re-encrypt personal data under the current key")
    AUDIT_EXPORT = "audit.export", _("Export audit log")
