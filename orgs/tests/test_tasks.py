"""Celery tasks (run eagerly) and the beat schedule installed by migration 0002."""

from __future__ import annotations

import datetime
import importlib
import json

import pytest
from django.apps import apps as global_apps
from django_celery_beat.models import PeriodicTask

from governance.tenancy import TenantNotSetError, tenant_context
from orgs import tasks
from orgs.models import AnnualReport, CreditRecord, InspectionCampaign
from orgs.tests.factories import (
    AnnualReportFactory,
    OrganizationFactory,
)

beat_migration = importlib.import_module("orgs.migrations.0002_beat_schedule")


@pytest.fixture
def overdue(tree_a, tree_b):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
        AnnualReportFactory(organization=org, due_date=datetime.date(2025, 5, 31))
    with tenant_context(tree_b["tenant"]):
        org_b = OrganizationFactory(region=tree_b["community"])
        AnnualReportFactory(organization=org_b, due_date=datetime.date(2025, 5, 31))
    return org


def test_apply_credit_rules_task(tree_a, overdue):
    result = tasks.apply_credit_rules.delay(tenant_id=tree_a["tenant"].pk, today="2025-06-01").get()
    assert result["listed_overdue"] == 1
    with tenant_context(tree_a["tenant"]):
        assert CreditRecord.objects.filter(organization=overdue).count() == 1
    # Idempotent: a retry for the same day does nothing.
    again = tasks.apply_credit_rules.delay(tenant_id=tree_a["tenant"].pk, today="2025-06-01").get()
    assert set(again.values()) == {0}


def test_apply_credit_rules_defaults_to_today(tree_a, overdue):
    # The report fell due long before the real today, so the default date lists it.
    result = tasks.apply_credit_rules.delay(tenant_id=tree_a["tenant"].pk).get()
    assert result["listed_overdue"] == 1


def test_apply_credit_rules_needs_tenant_id(tree_a, overdue):
    with pytest.raises(TypeError, match="tenant_id"):
        tasks.apply_credit_rules.delay(today="2025-06-01").get()
    with pytest.raises(TenantNotSetError):
        CreditRecord.objects.count()  # the failed task left no tenant active behind it


def test_for_each_tenant_fans_out(tree_a, tree_b, overdue):
    from governance.tasks import for_each_tenant

    assert for_each_tenant.delay(task_name="orgs.apply_credit_rules", today="2025-06-01").get() == 2
    for tenant in (tree_a["tenant"], tree_b["tenant"]):
        with tenant_context(tenant):
            assert CreditRecord.objects.count() == 1


def test_open_campaign_task(tree_a, users, overdue):
    result = tasks.open_campaign.delay(tenant_id=tree_a["tenant"].pk, year=2025, due_date="2026-05-31",
                                       actor_id=users["admin_a"].pk).get()
    assert result["reports_opened"] == 1
    with tenant_context(tree_a["tenant"]):
        campaign = InspectionCampaign.objects.get(pk=result["campaign_id"])
        assert campaign.opened_by == users["admin_a"]
        assert AnnualReport.objects.filter(year=2025).count() == 1
    system = tasks.open_campaign.delay(tenant_id=tree_a["tenant"].pk, year=2025, due_date="2026-05-31").get()
    assert system == {**result, "reports_opened": 0}
    with pytest.raises(TypeError):
        tasks.open_campaign.delay(year=2025, due_date="2026-05-31").get()


def test_open_campaign_refuses_actor_of_other_tenant(tree_a, users):
    from governance.models import User

    with pytest.raises(User.DoesNotExist):
        tasks.open_campaign.delay(tenant_id=tree_a["tenant"].pk, year=2025, due_date="2026-05-31",
                                  actor_id=users["admin_b"].pk).get()


def test_beat_schedule_installed(db):
    task = PeriodicTask.objects.get(name=beat_migration.TASK_NAME)
    assert task.task == "governance.for_each_tenant"
    assert json.loads(task.kwargs) == {"task_name": "orgs.apply_credit_rules"}
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == ("30", "2", "Asia/Shanghai")
    assert task.enabled


def test_beat_schedule_migration_is_idempotent_and_reversible(db):
    beat_migration.create_schedule(global_apps, None)
    assert PeriodicTask.objects.filter(name=beat_migration.TASK_NAME).count() == 1
    beat_migration.delete_schedule(global_apps, None)
    assert not PeriodicTask.objects.filter(name=beat_migration.TASK_NAME).exists()
    beat_migration.create_schedule(global_apps, None)
    assert PeriodicTask.objects.filter(name=beat_migration.TASK_NAME).count() == 1
