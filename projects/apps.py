from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Service projects")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Menu, 待办, notification kinds, audit labels, the expert importer and the demo seeder
        (the core does not import projects)."""
        from governance import registry
        from governance.imports import register_importer
        from projects import navigation, notifications, workflows  # noqa: F401  (workflows: admin read-only)
        from projects.audit import ProjectsAudit
        from projects.demo import seed_for_demo
        from projects.importing import EXPERT_IMPORTER

        navigation.register()
        notifications.register()
        from projects import navigation_tenders

        navigation_tenders.register()
        from projects import navigation_ratings

        navigation_ratings.register()
        from projects import navigation_reports

        navigation_reports.register()
        from projects import navigation_evaluations

        navigation_evaluations.register()
        from projects import navigation_renewals

        navigation_renewals.register()
        registry.register_audit_actions(ProjectsAudit)
        register_importer(EXPERT_IMPORTER)
        registry.register_seeder("projects", seed_for_demo, layer=30,
                                 help="funding programs, applications, experts and reviews over three years")
