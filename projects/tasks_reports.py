"""Celery task of progress reports: thin, takes ids, calls one service (beat: governance.for_each_tenant)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from governance.celery import TenantTask


@shared_task(base=TenantTask, name="projects.reports_daily", autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=5, acks_late=True)
def reports_daily(*, tenant_id: int, today: str | None = None) -> dict:
    """Schedules, overdue marking and reminders for one tenant (idempotent: a retry sends nothing twice)."""
    from governance.models import Tenant
    from projects.services.reports import reports_daily as run

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return run(tenant=Tenant.objects.get(pk=tenant_id), today=day)
