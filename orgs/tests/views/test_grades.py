"""Grade pages through HTTP (等级评估): awarding, and the refusal when an organization is not eligible."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from governance.tenancy import tenant_context
from orgs.models import Conclusion, EvaluationGrade, ReportStatus
from orgs.tests.factories import AnnualReportFactory
from orgs.tests.views.support import EN, body, make_org


def _eligible_org(tree):
    org = make_org(tree, name="衡阳市阳光社工服务中心", registered_date=datetime.date(2015, 1, 1))
    year = timezone.localdate().year
    with tenant_context(tree["tenant"]):
        for y in (year - 1, year - 2):
            AnnualReportFactory(organization=org, year=y, status=ReportStatus.REVIEWED,
                                conclusion=Conclusion.QUALIFIED)
    return org


def test_grade_award(tree_a, users, client_for):
    org = _eligible_org(tree_a)
    client = client_for(users["street_a"])
    url = reverse("orgs:grade-award", args=[org.pk])
    page = body(client.get(url, **EN))
    assert "Eligible for evaluation" in page and "hx-get" in page
    preview = client.get(url, {"score": "905"}, HTTP_HX_REQUEST="true", **EN)
    assert "<html" not in body(preview) and "5A" in body(preview)
    assert "Enter a score" in body(client.get(url, {"score": "abc"}, HTTP_HX_REQUEST="true", **EN))

    response = client.post(url, {"score": "1200", "awarded_date": timezone.localdate().isoformat()}, **EN)
    assert response.status_code == 200 and "is-invalid" in body(response)
    response = client.post(url, {"score": "850", "awarded_date": timezone.localdate().isoformat(), "note": "复评"},
                           follow=True, **EN)
    assert "Grade 4A awarded" in body(response)
    with tenant_context(tree_a["tenant"]):
        grade = EvaluationGrade.objects.get(organization=org)
    assert grade.grade == "4A" and grade.score == 850

    for name in ("community_a", "street2_a", "org_a", "admin_b"):
        assert client_for(users[name]).get(url).status_code == 404, name


def test_grade_award_refused_when_not_eligible(tree_a, users, client_for):
    org = make_org(tree_a, registered_date=timezone.localdate() - datetime.timedelta(days=200))
    client = client_for(users["street_a"])
    url = reverse("orgs:grade-award", args=[org.pk])
    page = body(client.get(url, **EN))
    assert "Not eligible for evaluation" in page and "two full years" in page and "disabled" in page
    response = client.post(url, {"score": "950", "awarded_date": timezone.localdate().isoformat()}, **EN)
    assert response.status_code == 200 and "cannot be evaluated" in body(response)
    with tenant_context(tree_a["tenant"]):
        assert not EvaluationGrade.objects.filter(organization=org).exists()
