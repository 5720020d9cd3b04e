"""Issue 11 on PostgreSQL: parallel runs of the daily job move an organization once, and parallel
applications to leave the serious list leave one awaiting the decision (threads, real connections)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from governance.models import AuditEvent
from governance.tenancy import tenant_context
from orgs import tasks
from orgs.models import CreditExitApplication, CreditList, CreditReason, CreditRecord
from orgs.tests.factories import CreditRecordFactory, MembershipFactory, OrganizationFactory
from orgs.tests.test_concurrency import _in_parallel


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_parallel_runs_of_the_job_create_one_serious_entry(tree_a):
    assert connection.vendor == "postgresql"
    tenant = tree_a["tenant"]
    with tenant_context(tenant):
        org = OrganizationFactory(region=tree_a["community"])
        CreditRecordFactory(organization=org, reason=CreditReason.ANNUAL_REPORT_OVERDUE,
                            listed_on=datetime.date(2023, 6, 1))
        CreditRecordFactory(organization=org, reason=CreditReason.UNREACHABLE, listed_on=datetime.date(2024, 3, 1))
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    run = tasks.apply_credit_rules.apply  # eager, as a worker runs it (no .get(): celery refuses it in threads)
    results = _in_parallel(6, lambda: run(kwargs={"tenant_id": tenant.pk, "today": "2025-06-01"}).result)
    assert all(isinstance(result, dict) for result in results), results
    assert sorted(result["moved_to_serious"] for result in results) == [0, 0, 0, 0, 0, 1]
    with tenant_context(tenant):
        serious = CreditRecord.objects.filter(organization=org, list_type=CreditList.SERIOUS)
        assert serious.count() == 1
        assert CreditRecord.objects.filter(organization=org, removed_on__isnull=True).count() == 1
        assert CreditRecord.objects.filter(moved_to=serious.get()).count() == 2
        actions = sorted(AuditEvent.objects.filter(id__gt=last).values_list("action", flat=True))
        assert actions == ["credit.auto_list", "credit.move_to_serious", "credit.move_to_serious"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_parallel_applications_to_leave_leave_one(api_for, users, tree_a):
    assert connection.vendor == "postgresql"
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
        MembershipFactory(organization=org, user=users["org_a"])
        record = CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE,
                                     listed_on=datetime.date(2020, 1, 10))
    api = api_for(users["org_a"])
    url = f"/api/v1/orgs/{org.pk}/credit-exit-applications/"
    results = _in_parallel(6, lambda: api.post(url, {"record": record.pk, "statement": "已整改"}, format="json"))
    statuses = sorted(r.status_code if hasattr(r, "status_code") else repr(r) for r in results)
    assert statuses == [201, 409, 409, 409, 409, 409], statuses
    assert len({r.json()["message"] for r in results if r.status_code == 409}) == 1
    with tenant_context(tree_a["tenant"]):
        assert CreditExitApplication.objects.filter(record=record).count() == 1
