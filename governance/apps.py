from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from governance import checks  # noqa: F401  (registers system checks)
        from governance.tenancy import ensure_row_level_security

        def _after_migrate(sender, using="default", **kwargs):
            # post_migrate fires once per app after *all* migrations ran; doing it once is enough.
            if sender.label == self.label:
                ensure_row_level_security(using=using)

        post_migrate.connect(_after_migrate, dispatch_uid="governance_rls", weak=False)

