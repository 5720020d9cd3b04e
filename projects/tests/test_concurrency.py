"""Parallel double submissions on PostgreSQL: six submissions of one application and six draws for it leave
one of each; the others get the workflow's translated 409, never a 500 or a second draw."""

from __future__ import annotations

import pytest
from django.db import connection

from governance.exceptions import ConflictError
from governance.models import AuditEvent
from governance.tenancy import tenant_context
from orgs.tests.test_concurrency import _in_parallel
from projects import services
from projects.models import ApplicationStatus, Expert, ReviewAssignment, ReviewDraw
from projects.tests.conftest import new_application

BASE = "/api/v1/projects/applications"


def _statuses(results):
    return sorted(r.status_code if hasattr(r, "status_code") else repr(r) for r in results)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_parallel_submissions_and_draws_leave_one(tree_a, users, program, experts, api_for):
    assert connection.vendor == "postgresql"
    application = new_application(tree_a, users, program)
    community = api_for(users["community_a"])
    results = _in_parallel(6, lambda: community.post(f"{BASE}/{application.pk}/submit/"))
    assert _statuses(results) == [200, 409, 409, 409, 409, 409]
    street = api_for(users["street_a"])
    results = _in_parallel(6, lambda: street.post(f"{BASE}/{application.pk}/start-review/", {}, format="json"))
    assert _statuses(results) == [200, 409, 409, 409, 409, 409]
    with tenant_context(tree_a["tenant"]):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.IN_REVIEW
        assert ReviewDraw.objects.filter(application=application).count() == 1
        assert ReviewAssignment.objects.filter(application=application).count() == program.experts_per_application
        with pytest.raises(ConflictError):
            services.application_submit(actor=users["community_a"], application=application)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_parallel_creations_of_one_expert_leave_one(tree_a, users, api_for):
    assert connection.vendor == "postgresql"
    street = api_for(users["street_a"])
    payload = {"region": tree_a["street"].pk, "name": "周敏", "phone": "13807340000", "affiliation": "南华大学"}
    results = _in_parallel(6, lambda: street.post("/api/v1/projects/experts/", payload, format="json"))
    assert _statuses(results) == [201, 409, 409, 409, 409, 409]
    with tenant_context(tree_a["tenant"]):
        assert Expert.objects.filter(name="周敏").count() == 1
        assert AuditEvent.objects.filter(action="expert.create").count() == 1
