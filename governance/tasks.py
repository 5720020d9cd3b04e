"""Core tasks: fan a scheduled job out to every active tenant."""

from celery import shared_task

from governance.celery import TenantTask, app
from governance.imports.tasks import import_run_task  # noqa: F401 - registers the import task with the worker
from governance.notifications.tasks import (  # noqa: F401 - registers the notification tasks
    notification_digest_task,
    notification_email_task,
)


@shared_task(name="governance.for_each_tenant")
def for_each_tenant(task_name: str, **kwargs) -> int:
    """Beat entry point: queue ``task_name(tenant_id=...)`` once per active tenant.

    Each tenant's run is a separate task, so one tenant's failure or retry never blocks another.
    """
    from governance.models import Tenant

    tenant_ids = list(Tenant.objects.filter(is_active=True).values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        app.tasks[task_name].apply_async(kwargs={**kwargs, "tenant_id": tenant_id})
    return len(tenant_ids)


@shared_task(base=TenantTask, name="governance.tenant_health")
def tenant_health(*, tenant_id: int) -> dict:
    """Counts regions and role assignments of one tenant (a harmless task to check the worker)."""
    from governance.models import Region, RoleAssignment

    return {"regions": Region.objects.count(), "roles": RoleAssignment.objects.count()}


@shared_task(name="governance.compact_data_changes")
def compact_data_changes() -> int:
    """Fold the data-change rows into the per-tenant versions (governance.data_version): idempotent, no
    version moves, safe to retry or to run twice at once."""
    from governance.data_version import compact

    return compact()
