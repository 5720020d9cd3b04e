from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from governance import checks, role_cache  # noqa: F401  (checks: registers system checks)
        from governance.api import token_cache
        from governance.data_version import ensure_change_triggers
        from governance.periodic import sync_periodic_tasks
        from governance.sessions import mark_activity
        from governance.tenancy import ensure_row_level_security

        self._plug_into_registry()
        role_cache.connect()
        token_cache.connect()
        user_logged_in.connect(mark_activity, dispatch_uid="governance.sessions.mark_activity")

        def _after_migrate(sender, using="default", **kwargs):
            # post_migrate fires once per app after *all* migrations ran; doing it once is enough.
            if sender.label == self.label:
                ensure_row_level_security(using=using)
                ensure_change_triggers(using=using)
                sync_periodic_tasks()

        post_migrate.connect(_after_migrate, dispatch_uid="governance_rls", weak=False)

    @staticmethod
    def _plug_into_registry():
        """The core's own menu entries and audit labels, declared like any app's."""
        from governance import registry
        from governance.audit_actions import GovernanceAudit
        from governance.imports.audit import ImportAudit
        from governance.permissions import can_view_audit_log

        registry.register_section("workbench", _("Workbench"), order=0)
        registry.register_section("system", _("System"), order=90)
        registry.register_nav(section="workbench", label=_("Home and to-do"), url_name="home", order=0)
        registry.register_nav(section="system", label=_("Jurisdiction"), url_name="region-list", order=0)
        registry.register_nav(section="system", label=_("Audit log"), url_name="audit-list", order=10,
                              visible=can_view_audit_log)
        registry.register_audit_actions(GovernanceAudit)
        _plug_notifications(registry)
        registry.register_audit_actions(ImportAudit)
        registry.register_periodic_task(
            "core: fold data changes", "governance.compact_data_changes", interval_seconds=300, per_tenant=False,
            description="Keeps the response cache's data-change table short (governance.data_version).",
        )


def _plug_notifications(registry):
    """The inbox's audit labels, the core's own notification kinds and the daily digest in beat."""
    from governance.models import Delivery
    from governance.notifications import register_notification_kind
    from governance.notifications.audit import NotificationAudit

    registry.register_audit_actions(NotificationAudit)
    # The uploader usually watches the progress bar: the inbox records the result, e-mail only on request.
    register_notification_kind("governance.import_finished", _("Your import finished"), default=Delivery.OFF,
                               order=900)
    register_notification_kind("governance.import_failed", _("Your import failed"), order=901)
    registry.register_periodic_task(
        "notifications: daily digest", "governance.notifications.digest", crontab={"minute": "0", "hour": "8"},
        per_tenant=True, description="One e-mail per user who chose the daily digest (governance.notifications).",
    )
