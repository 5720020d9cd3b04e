"""Celery tasks of the registry: thin wrappers that take ids and call one service.

``TenantTask`` activates the tenant from the ``tenant_id`` keyword (and refuses to run without it).
Excel imports have their own tasks in ``orgs.importing``.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from governance.celery import TenantTask


@shared_task(base=TenantTask, name="orgs.apply_credit_rules", autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=5)
def apply_credit_rules(*, tenant_id: int, today: str | None = None) -> dict:
    """The daily credit-list and grade rules for one tenant (beat: governance.for_each_tenant)."""
    from governance.models import Tenant
    from orgs.services import credit_rules_apply

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return credit_rules_apply(tenant=Tenant.objects.get(pk=tenant_id), today=day)


@shared_task(base=TenantTask, name="orgs.check_list_flags", autoretry_for=(OperationalError,),
             retry_backoff=True, max_retries=5)
def check_list_flags(*, tenant_id: int) -> dict:
    """The daily consistency check of the organizations' grade and credit-list columns and of their resident
    satisfaction (from the performance records) for one tenant."""
    from governance.models import Tenant
    from orgs.services import organization_flags_check, organization_satisfaction_check

    tenant = Tenant.objects.get(pk=tenant_id)
    return {"fixed": organization_flags_check(tenant=tenant),
            "satisfaction_fixed": organization_satisfaction_check(tenant=tenant)}


@shared_task(base=TenantTask, name="orgs.open_campaign")
def open_campaign(*, tenant_id: int, year: int, due_date: str, actor_id: int | None = None) -> dict:
    """Open the annual-report campaign of ``year`` (idempotent: safe to retry)."""
    from governance.models import User
    from orgs.services import campaign_open

    actor = User.objects.get(pk=actor_id, tenant_id=tenant_id) if actor_id else None
    campaign = campaign_open(actor=actor, year=int(year), due_date=datetime.date.fromisoformat(due_date))
    return {"campaign_id": campaign.pk, "year": campaign.year, "reports_opened": campaign.reports_opened}
