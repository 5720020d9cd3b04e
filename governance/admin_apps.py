from axes.apps import AppConfig as BaseAxesConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class GovernanceAdminConfig(AdminConfig):
    """The Django admin with the tenant-aware site as the default site."""

    default_site = "governance.admin_base.TenantAdminSite"


# django-axes ships no Chinese catalogue, so its section of the admin showed in English. Its strings are
# translated in our catalogue (locale/), which Django reads first; listed here so that extracting the
# catalogue again keeps them.
AXES_STRINGS = [
    gettext_noop("access attempt"), gettext_noop("access attempts"),
    gettext_noop("access failure"), gettext_noop("access failures"),
    gettext_noop("access log"), gettext_noop("access logs"),
    gettext_noop("access attempt expiration"), gettext_noop("access attempt expirations"),
    gettext_noop("User Agent"), gettext_noop("IP Address"), gettext_noop("Username"), gettext_noop("HTTP Accept"),
    gettext_noop("Path"), gettext_noop("Attempt Time"), gettext_noop("Access lock out"), gettext_noop("GET Data"),
    gettext_noop("POST Data"), gettext_noop("Failed Logins"), gettext_noop("Access Attempt"),
    gettext_noop("Expires At"), gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Logout Time"), gettext_noop("Session key hash (sha256)"), gettext_noop("Locked Out"),
    gettext_noop("Form Data"), gettext_noop("Meta Data"), gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"), gettext_noop("Attempt Remaining"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
]


class AxesConfig(BaseAxesConfig):
    """django-axes with a translated name in the admin, and translated headers for its computed columns."""

    verbose_name = _("Login lock-out")

    def ready(self):
        super().ready()
        from axes.admin import AccessAttemptAdmin

        AccessAttemptAdmin.status.short_description = _("Status")
        AccessAttemptAdmin.expiration.short_description = _("Expires At")
