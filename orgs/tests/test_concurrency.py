"""Double submissions (issue 7 item 8): the database keeps one filing under review per name and one valid
grade per organization, and a lost race is the same translated error as the check, never a 500."""

from __future__ import annotations

import datetime
import threading
from unittest import mock

import pytest
from django.db import IntegrityError, connection, connections, transaction

from governance.exceptions import ConflictError
from governance.models import AuditEvent
from governance.tenancy import tenant_context
from orgs import services
from orgs.models import (
    Conclusion,
    EvaluationGrade,
    Filing,
    GradeStatus,
    Organization,
    OrgStatus,
    ReportStatus,
)
from orgs.tests.factories import AnnualReportFactory, EvaluationGradeFactory, OrganizationFactory

AWARDED = datetime.date(2025, 9, 1)


def _gradable(tree):
    org = OrganizationFactory(region=tree["community"], name="建设社区老年协会")
    for year in (2023, 2024):
        AnnualReportFactory(organization=org, year=year, status=ReportStatus.REVIEWED,
                            conclusion=Conclusion.QUALIFIED)
    return org


# --- the constraints themselves, on every backend -----------------------------------------------------------

@pytest.mark.django_db
def test_database_refuses_a_second_valid_grade_and_a_second_pending_name(tree_a):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
        EvaluationGradeFactory(organization=org)
        with pytest.raises(IntegrityError), transaction.atomic():
            EvaluationGradeFactory(organization=org)
        EvaluationGradeFactory(organization=org, status=GradeStatus.EXPIRED)  # history is unbounded
        OrganizationFactory(region=tree_a["community"], name="广场舞队", status=OrgStatus.PENDING, uscc=None)
        with pytest.raises(IntegrityError), transaction.atomic():
            OrganizationFactory(region=tree_a["community"], name="广场舞队", status=OrgStatus.PENDING, uscc=None)
        OrganizationFactory(region=tree_a["community"], name="广场舞队", status=OrgStatus.REJECTED, uscc=None)


# --- a lost race inside the services (simulated: the check does not see the winner) -------------------------

@pytest.mark.django_db
def test_filing_submit_that_loses_the_race_is_a_conflict_and_changes_nothing(tree_a, users):
    fields = {"name": "建设社区广场舞队", "legal_representative": "赵六"}
    with tenant_context(tree_a["tenant"]):
        services.filing_submit(actor=users["community_a"], region=tree_a["community"], **fields)
        events = AuditEvent.objects.count()
        with mock.patch("orgs.services.filings.Organization") as blind:  # the winner is not committed yet
            blind.objects.filter.return_value.exists.return_value = False
            with pytest.raises(ConflictError) as info:
                services.filing_submit(actor=users["community_a"], region=tree_a["community"], **fields)
        assert "已在审核中" in str(info.value.message) or "already under review" in str(info.value.message)
        assert Filing.objects.count() == 1
        assert Organization.objects.filter(status=OrgStatus.PENDING).count() == 1
        assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_grade_award_that_loses_the_race_is_a_conflict_and_changes_nothing(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        org = _gradable(tree_a)
        first = services.grade_award(actor=users["street_a"], organization=org, score=912, awarded_date=AWARDED)
        events = AuditEvent.objects.count()
        with mock.patch("orgs.services.grades.lock_rows", return_value=[]):  # the winner is invisible
            with pytest.raises(ConflictError):
                services.grade_award(actor=users["street_a"], organization=org, score=700, awarded_date=AWARDED)
        assert list(EvaluationGrade.objects.filter(organization=org).values_list("pk", "status")) == [
            (first.pk, GradeStatus.VALID)]
        assert AuditEvent.objects.count() == events


# --- real parallel requests on PostgreSQL -----------------------------------------------------------------

def _in_parallel(count, request):
    """Run ``request()`` from ``count`` threads at once (each on its own database connection)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = request()
        except Exception as exc:  # noqa: BLE001 - reported in the assertion below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_parallel_filings_with_one_name_create_one(api_for, users, tree_a):
    assert connection.vendor == "postgresql"
    api = api_for(users["community_a"])
    body = {"region": tree_a["community"].pk, "name": "建设社区广场舞队", "legal_representative": "赵六",
            "domains": ["culture_sports"]}
    results = _in_parallel(6, lambda: api.post("/api/v1/filings/", body, format="json"))
    statuses = sorted(r.status_code if hasattr(r, "status_code") else repr(r) for r in results)
    assert statuses == [201, 409, 409, 409, 409, 409], statuses
    messages = {r.json()["message"] for r in results if r.status_code == 409}
    assert len(messages) == 1  # the check and the lost race say the same thing
    with tenant_context(tree_a["tenant"]):
        assert Organization.objects.filter(name=body["name"], status=OrgStatus.PENDING).count() == 1
        assert Filing.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_parallel_grade_awards_leave_one_valid_grade(api_for, users, tree_a):
    assert connection.vendor == "postgresql"
    with tenant_context(tree_a["tenant"]):
        org = _gradable(tree_a)
    api = api_for(users["street_a"])
    results = _in_parallel(6, lambda: api.post(f"/api/v1/orgs/{org.pk}/grades/",
                                               {"score": 880, "awarded_date": AWARDED.isoformat()}, format="json"))
    statuses = [r.status_code if hasattr(r, "status_code") else repr(r) for r in results]
    assert all(status in (201, 409) for status in statuses), statuses
    with tenant_context(tree_a["tenant"]):
        grades = EvaluationGrade.objects.filter(organization=org)
        assert grades.filter(status=GradeStatus.VALID).count() == 1
        assert grades.count() == statuses.count(201)
