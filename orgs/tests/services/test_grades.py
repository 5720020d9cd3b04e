"""Evaluation grade services (等级评估): score bands and awards."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from governance.exceptions import ApplicationError
from governance.tenancy import tenant_context
from orgs import selectors, services
from orgs.models import Conclusion, CreditList, CreditReason, GradeStatus, ReportStatus
from orgs.tests.factories import (
    AnnualReportFactory,
    CreditRecordFactory,
    EvaluationGradeFactory,
    audit_actions_since,
    audit_marker,
)
from orgs.tests.services.support import TODAY, Unchanged

BANDS = {"5A": 950, "4A": 850, "3A": 750, "2A": 650, "1A": 0}


def test_grade_bands_set(a, tree_a, users):
    marker = audit_marker()
    assert services.grade_bands_set(actor=users["admin_a"], tenant=tree_a["tenant"], bands=BANDS) == BANDS
    assert selectors.grade_for_score(tenant=tree_a["tenant"], score=900) == "4A"
    assert audit_actions_since(marker) == ["grade_bands.set"]
    with Unchanged():
        services.grade_bands_set(actor=users["admin_a"], tenant=tree_a["tenant"], bands=BANDS)


@pytest.mark.parametrize(("user", "bands", "error"), [
    ("street_a", BANDS, ApplicationError),
    ("admin_a", {**BANDS, "4A": 950}, ValidationError),
    ("admin_a", {**BANDS, "3A": 900}, ValidationError),
    ("admin_a", {**BANDS, "5A": 1001}, ValidationError),
    ("admin_a", {k: v for k, v in BANDS.items() if k != "1A"}, ValidationError),
    ("admin_a", {**BANDS, "2A": "650"}, ValidationError),
])
def test_grade_bands_set_refusals(a, tree_a, users, user, bands, error):
    with Unchanged(), pytest.raises(error):
        services.grade_bands_set(actor=users[user], tenant=tree_a["tenant"], bands=bands)


def test_grade_bands_set_other_tenant(tree_a, tree_b, users):
    with tenant_context(tree_a["tenant"]), Unchanged(), pytest.raises(ApplicationError):
        services.grade_bands_set(actor=users["admin_a"], tenant=tree_b["tenant"], bands=BANDS)


@pytest.fixture
def gradable(a, org):
    for year in (2023, 2024):
        AnnualReportFactory(organization=org, year=year, status=ReportStatus.REVIEWED,
                            conclusion=Conclusion.QUALIFIED)
    return org


AWARDED = datetime.date(2025, 9, 1)


def test_grade_award_supersedes_previous(a, users, gradable):
    previous = EvaluationGradeFactory(organization=gradable, grade="3A", awarded_date=datetime.date(2022, 5, 1))
    marker = audit_marker()
    grade = services.grade_award(actor=users["street_a"], organization=gradable, score=912, awarded_date=AWARDED)
    assert (grade.grade, grade.expires_date, grade.status) == ("5A", datetime.date(2030, 9, 1), GradeStatus.VALID)
    previous.refresh_from_db()
    assert previous.status == GradeStatus.EXPIRED
    assert audit_actions_since(marker) == ["grade.supersede", "grade.award"]
    assert selectors.organization_get_for_user(user=users["street_a"], pk=gradable.pk).current_grade == "5A"


def test_grade_award_refusals(a, users, gradable):
    with Unchanged(), pytest.raises(ApplicationError):
        services.grade_award(actor=users["community_a"], organization=gradable, score=900, awarded_date=AWARDED)
    with Unchanged(), pytest.raises(ApplicationError):
        services.grade_award(actor=users["street2_a"], organization=gradable, score=900, awarded_date=AWARDED)
    for score in (1001, -1, "900"):
        with Unchanged(), pytest.raises(ValidationError):
            services.grade_award(actor=users["street_a"], organization=gradable, score=score, awarded_date=AWARDED)
    with Unchanged(), pytest.raises(ValidationError):
        services.grade_award(actor=users["street_a"], organization=gradable, score=900,
                             awarded_date=TODAY + datetime.timedelta(days=1))
    CreditRecordFactory(organization=gradable, list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE)
    with Unchanged(), pytest.raises(ApplicationError) as info:
        services.grade_award(actor=users["street_a"], organization=gradable, score=900,
                             awarded_date=datetime.date(2026, 3, 1))  # 2025's report is missing too
    assert len(info.value.extra["reasons"]) == 2
