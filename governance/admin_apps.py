from django.contrib.admin.apps import AdminConfig


class GovernanceAdminConfig(AdminConfig):
    """The Django admin with the tenant-aware site as the default site."""

    default_site = "governance.admin_base.TenantAdminSite"
