"""The organization's list columns (valid grade, credit lists): kept by the services, checked daily."""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace

from django.apps import apps as django_apps
from django.db import connection

from governance import registry
from governance.models import AuditEvent
from governance.tenancy import all_tenants, tenant_context
from orgs import selectors, services
from orgs.models import (
    Conclusion,
    CreditList,
    CreditReason,
    CreditRecord,
    EvaluationGrade,
    Organization,
    ReportStatus,
)
from orgs.tests.factories import AnnualReportFactory, CreditRecordFactory, OrganizationFactory
from orgs.tests.services.support import TODAY

FLAGS = ("valid_grade", "valid_grade_until", "on_abnormal_list", "on_serious_list")


def flags(org) -> tuple:
    with all_tenants():  # row-level security on PostgreSQL: read the row whatever scope the test is in
        return tuple(Organization.unscoped.filter(pk=org.pk).values_list(*FLAGS).get())


def test_grade_award_and_expiry_set_the_columns(a, users, org):
    for year in (TODAY.year - 1, TODAY.year - 2):
        AnnualReportFactory(organization=org, year=year, status=ReportStatus.REVIEWED, conclusion=Conclusion.QUALIFIED)
    org.registered_date = TODAY - datetime.timedelta(days=3 * 366)
    org.save(update_fields=["registered_date"])
    grade = services.grade_award(actor=users["admin_a"], organization=org, score=930, awarded_date=TODAY)
    assert flags(org) == ("5A", grade.expires_date, False, False)
    # The daily rules on the expiry date expire the grade and clear the column in the same transaction.
    counts = services.credit_rules_apply(tenant=a, today=grade.expires_date)
    assert counts["grades_expired"] == 1
    assert flags(org) == ("", None, False, False)


def test_credit_add_and_remove_set_the_columns(a, users, org):
    abnormal = services.credit_add(actor=users["street_a"], organization=org, list_type=CreditList.ABNORMAL,
                                   reason=CreditReason.UNREACHABLE, listed_on=datetime.date(2024, 1, 10))
    assert flags(org) == ("", None, True, False)
    services.credit_add(actor=users["street_a"], organization=org, list_type=CreditList.SERIOUS,
                        reason=CreditReason.LARGE_FINE, listed_on=datetime.date(2024, 2, 1))
    assert flags(org) == ("", None, True, True)
    services.credit_remove(actor=users["street_a"], record=abnormal, removed_on=datetime.date(2024, 3, 1),
                           reason="已整改")
    assert flags(org) == ("", None, False, True)
    row = selectors.organization_list(user=users["admin_a"], filters={"credit": "serious"}).get()
    assert (row.pk, row.credit_list) == (org.pk, "serious")


def test_daily_rules_listing_sets_the_column(a, users, org):
    AnnualReportFactory(organization=org, year=TODAY.year - 1, due_date=TODAY - datetime.timedelta(days=5),
                        status=ReportStatus.OPEN)
    assert services.credit_rules_apply(tenant=a, today=TODAY)["listed_overdue"] == 1
    assert flags(org)[2:] == (True, False)


def test_a_stale_instance_does_not_write_old_columns_back(a, users, org):
    stale = Organization.objects.get(pk=org.pk)
    CreditRecordFactory(organization=org, list_type=CreditList.ABNORMAL)
    stale.address = "解放路1号"
    stale.save()
    assert flags(org)[2] is True
    assert Organization.objects.get(pk=org.pk).address == "解放路1号"


def test_consistency_check_fixes_drift_once_and_audits_it(a, users, org, tree_a):
    clean = OrganizationFactory(region=tree_a["community"])
    # Writes that bypass the services (a raw bulk insert, a stale copy): the columns drift.
    CreditRecord.objects.bulk_create([CreditRecord(tenant=a, organization=org, list_type=CreditList.SERIOUS,
                                                   reason=CreditReason.LARGE_FINE, listed_on=datetime.date(2024, 1, 1))])
    EvaluationGrade.objects.bulk_create([EvaluationGrade(
        tenant=a, organization=org, score=850, grade="4A", awarded_date=datetime.date(2024, 6, 1),
        expires_date=datetime.date(2029, 6, 1))])
    Organization.objects.filter(pk=clean.pk).update(on_abnormal_list=True)
    assert services.organization_flags_check(tenant=a) == 2
    assert flags(org) == ("4A", datetime.date(2029, 6, 1), False, True)
    assert flags(clean) == ("", None, False, False)
    events = {e.object_id: e for e in AuditEvent.objects.filter(action="organization.list_flags_fix")}
    assert set(events) == {str(org.pk), str(clean.pk)}
    assert events[str(clean.pk)].changes == {"on_abnormal_list": [True, False]}
    assert events[str(org.pk)].changes == {"valid_grade": ["", "4A"], "valid_grade_until": [None, "2029-06-01"],
                                           "on_serious_list": [False, True]}
    assert services.organization_flags_check(tenant=a) == 0
    assert AuditEvent.objects.filter(action="organization.list_flags_fix").count() == 2


def test_consistency_check_stays_in_its_tenant(tree_a, tree_b, users):
    with tenant_context(tree_b["tenant"]):
        other = OrganizationFactory(region=tree_b["community"])
        Organization.objects.filter(pk=other.pk).update(on_serious_list=True)
    with tenant_context(tree_a["tenant"]) as tenant:
        assert services.organization_flags_check(tenant=tenant) == 0
    assert flags(other)[3] is True


def test_check_task_is_registered_per_tenant_and_runs(tree_a, org):
    spec = next(s for s in registry.periodic_tasks() if s.task == "orgs.check_list_flags")
    assert spec.per_tenant and spec.crontab
    with tenant_context(tree_a["tenant"]):
        Organization.objects.filter(pk=org.pk).update(valid_grade="3A")
    from orgs.tasks import check_list_flags

    assert check_list_flags.delay(tenant_id=tree_a["tenant"].pk).get() == {"fixed": 1, "satisfaction_fixed": 0}
    assert flags(org)[0] == ""


def test_migration_backfill_matches_the_service(a, users, org, tree_a):
    CreditRecordFactory(organization=org, list_type=CreditList.ABNORMAL)
    expected = flags(org)
    Organization.objects.filter(pk=org.pk).update(on_abnormal_list=False, valid_grade="1A")
    migration = importlib.import_module("orgs.migrations.0008_organization_list_flags")
    migration.backfill(django_apps, SimpleNamespace(connection=connection))  # it only reads the connection
    assert flags(org) == expected
