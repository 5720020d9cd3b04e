"""Celery: tenant tasks need a tenant_id and run inside that tenant; the fan-out queues one per tenant."""

import pytest
from celery import shared_task

from governance.celery import TenantTask, app
from governance.models import Region, RoleAssignment, Tenant
from governance.tasks import for_each_tenant, tenant_health
from governance.tenancy import get_current_tenant, get_current_tenant_id, tenant_context

RUNS: list[tuple[int, int | None, dict]] = []


@shared_task(base=TenantTask, name="tests.record_tenant")
def record_tenant(*, tenant_id: int, **kwargs) -> int:
    RUNS.append((tenant_id, get_current_tenant_id(), kwargs))
    return Region.objects.count()


@pytest.fixture(autouse=True)
def _clear_runs():
    RUNS.clear()
    yield
    RUNS.clear()


def test_tenant_task_needs_tenant_id(tree_a):
    with pytest.raises(TypeError, match="tenant_id"):
        tenant_health()
    with pytest.raises(TypeError, match="tenant_id"):
        tenant_health.delay()
    with pytest.raises(TypeError):
        tenant_health.apply_async(args=[tree_a["tenant"].pk])  # positional ids are refused too


def test_tenant_task_runs_inside_the_tenant(users, tree_a, tree_b):
    a, b = tree_a["tenant"], tree_b["tenant"]
    with tenant_context(a):
        expected_a = {"regions": Region.objects.count(), "roles": RoleAssignment.objects.count()}
    with tenant_context(b):
        expected_b = {"regions": Region.objects.count(), "roles": RoleAssignment.objects.count()}
    assert expected_a != expected_b
    assert tenant_health(tenant_id=a.pk) == expected_a
    assert tenant_health.delay(tenant_id=b.pk).get() == expected_b
    assert get_current_tenant() is None  # the scope ends with the task


def test_tenant_task_refuses_inactive_or_missing_tenant(tree_a):
    tenant = tree_a["tenant"]
    tenant.is_active = False
    tenant.save(update_fields=["is_active"])
    with pytest.raises(Tenant.DoesNotExist):
        tenant_health(tenant_id=tenant.pk)
    with pytest.raises(Tenant.DoesNotExist):
        tenant_health(tenant_id=999999)


def test_for_each_tenant_queues_once_per_active_tenant(tree_a, tree_b, db):
    inactive = Tenant.objects.create(name="停用", slug="inactive", root_code="4399", is_active=False)
    assert "tests.record_tenant" in app.tasks
    queued = for_each_tenant.delay("tests.record_tenant", note="nightly").get()
    assert queued == 2
    assert sorted(run[0] for run in RUNS) == sorted([tree_a["tenant"].pk, tree_b["tenant"].pk])
    assert all(task_tenant == active for task_tenant, active, _ in RUNS)
    assert all(kwargs == {"note": "nightly"} for _, _, kwargs in RUNS)
    assert inactive.pk not in {run[0] for run in RUNS}


def test_for_each_tenant_unknown_task_fails_loudly(tree_a):
    with pytest.raises(KeyError):
        for_each_tenant("tests.no_such_task")


def test_celery_runs_eagerly_in_tests():
    assert app.conf.task_always_eager is True
