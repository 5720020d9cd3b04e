"""Celery task of evaluations: thin, takes ids, calls one service (beat: governance.for_each_tenant fans out
one task per tenant). ``acks_late``: a worker killed mid-run leaves the message unacknowledged, the task runs
again and, being idempotent, writes what the first run had not committed and nothing twice."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import IntegrityError, OperationalError
from django.utils import timezone

from governance.celery import TenantTask


@shared_task(base=TenantTask, name="projects.evaluations_run", autoretry_for=(OperationalError, IntegrityError),
             retry_backoff=True, max_retries=5, acks_late=True, reject_on_worker_lost=True)
def evaluations_run(*, tenant_id: int, today: str | None = None) -> dict:
    """Compute the due mid-term and final evaluations of one tenant."""
    from governance.models import Tenant
    from projects.services.evaluations import evaluations_run as run

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return run(tenant=Tenant.objects.get(pk=tenant_id), today=day)
