from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Social organizations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from orgs import importing  # noqa: F401 - registers the import Celery task

        self._register_registry_ui()

    @staticmethod
    def _register_registry_ui():
        """The registry's home-page panel and its navigation entry (the core does not import orgs)."""
        from governance.context_processors import register_nav
        from governance.dashboard import register_home_redirect, register_panel
        from governance.models.accounts import Role
        from orgs.dashboard import home_panel, portal_redirect

        register_panel(home_panel)
        register_home_redirect(portal_redirect)
        register_nav(_("Social organizations"), "orgs:list", roles={
            Role.TENANT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.AUDITOR,
        })
        register_nav(_("Our organization"), "orgs:portal", roles={Role.ORG_USER})
