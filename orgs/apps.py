from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Social organizations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        self._plug_into_core()

    @staticmethod
    def _plug_into_core():
        """Menu, 待办, notification kinds, home panel, demo seeder, beat schedule, audit labels and the importer
        (the core does not import orgs)."""
        from governance import registry
        from governance.imports import register_importer
        from orgs import navigation, notifications
        from orgs.audit import OrgsAudit
        from orgs.dashboard import home_panel, portal_redirect
        from orgs.demo import seed_for_demo
        from orgs.importing import ORGANIZATION_IMPORTER

        navigation.register()
        notifications.register()
        registry.register_panel(home_panel)
        registry.register_home_redirect(portal_redirect)
        registry.register_audit_actions(OrgsAudit)
        register_importer(ORGANIZATION_IMPORTER)
        registry.register_seeder("orgs", seed_for_demo, layer=20,
                                 help="organizations, annual reports, grades and credit records")
        registry.register_periodic_task(
            "orgs: daily credit-list and grade rules", "orgs.apply_credit_rules",
            crontab={"minute": "30", "hour": "2"},
            description="Credit lists (MCA Order 60) and evaluation-grade expiry, per tenant.",
        )
        registry.register_periodic_task(
            "orgs: grade and credit list-column check", "orgs.check_list_flags",
            crontab={"minute": "10", "hour": "4"},
            description="Recomputes each organization's grade and credit-list columns and its resident satisfaction "
                        "and fixes drift (audited).",
        )
