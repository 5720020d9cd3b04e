"""Celery app. Without REDIS_URL tasks run eagerly in-process (settings.CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

app = Celery("governance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class TenantTask(Task):
    """Base of every tenant task: requires a ``tenant_id`` keyword and runs inside that tenant's scope.

    Tasks take ids, never model instances, and must be idempotent (safe to retry after a crash).
    """

    abstract = True

    def __call__(self, *args, **kwargs):
        from governance.models import Tenant
        from governance.tenancy import tenant_context

        tenant_id = kwargs.get("tenant_id")
        if tenant_id is None:
            raise TypeError(f"{self.name} needs the keyword argument tenant_id")
        tenant = Tenant.objects.get(pk=tenant_id, is_active=True)
        with tenant_context(tenant):
            return super().__call__(*args, **kwargs)
