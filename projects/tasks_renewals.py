"""Celery tasks of renewal reviews: thin, take ids, call one service (beat: governance.for_each_tenant fans out
one task per tenant). ``acks_late``: a worker killed mid-run leaves the message unacknowledged and the rerun,
being idempotent, creates only what the first run had not committed."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import IntegrityError, OperationalError
from django.utils import timezone

from governance.celery import TenantTask


@shared_task(base=TenantTask, name="projects.renewals_scan", autoretry_for=(OperationalError, IntegrityError),
             retry_backoff=True, max_retries=5, acks_late=True, reject_on_worker_lost=True)
def renewals_scan(*, tenant_id: int, today: str | None = None) -> dict:
    """Open the renewal reviews of contracts ending within the window and recompute the pending ones."""
    from governance.models import Tenant
    from projects.services.renewals import renewals_scan as run

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return run(tenant=Tenant.objects.get(pk=tenant_id), today=day)


@shared_task(base=TenantTask, name="projects.renewals_refresh", autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=5, acks_late=True, reject_on_worker_lost=True)
def renewals_refresh(*, tenant_id: int, organization_ids: list[int]) -> dict:
    """Recompute the pending reviews of these organizations (after a credit listing or a status change)."""
    from governance.models import Tenant
    from projects.services.renewals import renewals_refresh as run

    return run(tenant=Tenant.objects.get(pk=tenant_id), organization_ids=organization_ids)


@shared_task(base=TenantTask, name="projects.reminders_daily", autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=5, acks_late=True, reject_on_worker_lost=True)
def reminders_daily(*, tenant_id: int, today: str | None = None) -> dict:
    """Contracts ending soon and evaluations due: one reminder per item and day at most."""
    from governance.models import Tenant
    from projects.services.reminders import reminders_daily as run

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return run(tenant=Tenant.objects.get(pk=tenant_id), today=day)
