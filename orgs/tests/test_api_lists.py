"""The fast list path (governance.api.lists, orgs.api.rows) answers exactly what the serializers answer."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from drf_orjson_renderer.renderers import ORJSONRenderer

from governance.api.serializers import RegionOutputSerializer
from governance.selectors import region_list
from governance.tenancy import tenant_context
from orgs import selectors, services
from orgs.api import serializers as s
from orgs.models import (
    AnnualReport,
    Conclusion,
    CreditList,
    CreditReason,
    CreditRecord,
    EvaluationGrade,
    Filing,
    FundingSource,
    GradeStatus,
    OrgKind,
    ReportAttachment,
    ReportStatus,
)
from orgs.tests.factories import (
    AnnualReportFactory,
    CreditRecordFactory,
    EvaluationGradeFactory,
    FilingFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


def rendered(serializer_class, objects, user) -> list:
    """What the serializer path sent for ``user``: its data through the same renderer."""
    context = {"request": SimpleNamespace(user=user)}
    return json.loads(ORJSONRenderer().render(serializer_class(objects, many=True, context=context).data))


@pytest.fixture
def data(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        rich = OrganizationFactory(
            region=tree_a["community"], name="建设社区老年协会", email="a@example.cn", address="解放路1号",
            established_date=datetime.date(2015, 3, 1), registered_date=datetime.date(2016, 5, 4),
            funding_sources=[FundingSource.values[0]], volunteers=12, staff_fulltime=2,
        )
        services.organization_update(actor=users["admin_a"], organization=rich, domains=["elderly", "children"])
        plain = OrganizationFactory(region=tree_a["community2"], kind=OrgKind.COMMUNITY_GROUP, uscc=None,
                                    filing_number="HY-0001", name="光明社区文体队")
        EvaluationGradeFactory(organization=rich, grade="4A", awarded_date=datetime.date(2024, 6, 1))
        EvaluationGradeFactory(organization=rich, grade="3A", awarded_date=datetime.date(2018, 6, 1),
                               status=GradeStatus.EXPIRED)
        CreditRecordFactory(organization=plain, list_type=CreditList.ABNORMAL)
        CreditRecordFactory(organization=plain, list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE,
                            removed_on=datetime.date(2025, 1, 2), removal_reason="期满")
        report = AnnualReportFactory(organization=rich, year=2024, status=ReportStatus.REVIEWED,
                                     conclusion=Conclusion.QUALIFIED, income_donations=Decimal("1234.50"),
                                     income_other=Decimal("0.05"), net_assets=Decimal("-10.00"), review_note="好")
        AnnualReportFactory(organization=rich, year=2023)
        ReportAttachment.objects.create(tenant=tree_a["tenant"], report=report, file="orgs/reports/a.pdf",
                                        name="审计报告.pdf")
        FilingFactory(organization=plain)
    return {"rich": rich, "plain": plain}


@pytest.mark.parametrize("who", ["admin_a", "auditor_a"])  # the auditor sees contact phones masked
def test_organization_list_matches_the_serializer(api_for, users, tree_a, data, who):
    response = api_for(users[who]).get("/api/v1/orgs/?page_size=50")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 2
    with tenant_context(tree_a["tenant"]):
        expected = rendered(s.OrganizationOutputSerializer, selectors.organization_list(user=users[who]), users[who])
    assert body["results"] == expected
    assert {row["contact_phone"] for row in expected} != {""}
    rich = next(row for row in body["results"] if row["id"] == data["rich"].pk)
    plain = next(row for row in body["results"] if row["id"] == data["plain"].pk)
    assert (rich["current_grade"], rich["credit_list"], sorted(rich["domains"])) == ("4A", None, ["children", "elderly"])
    assert (plain["current_grade"], plain["credit_list"], plain["uscc"]) == (None, "abnormal", None)


def test_filtered_pages_match_the_serializer(api_for, users, tree_a, data):
    api = api_for(users["admin_a"])
    for query in ("grade=4A", "credit=abnormal", "credit=none", "grade=none&ordering=-name", "page_size=1&page=2"):
        body = api.get(f"/api/v1/orgs/?{query}").json()
        with tenant_context(tree_a["tenant"]):
            ids = [row["id"] for row in body["results"]]
            assert ids, query
            objects = sorted(selectors.organization_list(user=users["admin_a"]).filter(pk__in=ids),
                             key=lambda org: ids.index(org.pk))
            assert body["results"] == rendered(s.OrganizationOutputSerializer, objects, users["admin_a"]), query


def test_sub_lists_match_their_serializers(api_for, users, tree_a, data):
    api = api_for(users["admin_a"])
    rich, plain = data["rich"].pk, data["plain"].pk
    with tenant_context(tree_a["tenant"]):
        cases = [
            (f"/api/v1/orgs/{rich}/inspections/", s.AnnualReportOutputSerializer,
             AnnualReport.objects.filter(organization_id=rich).order_by("-year")),
            (f"/api/v1/orgs/{rich}/grades/", s.GradeOutputSerializer,
             EvaluationGrade.objects.filter(organization_id=rich).order_by("-awarded_date", "-id")),
            (f"/api/v1/orgs/{plain}/credit-records/", s.CreditRecordOutputSerializer,
             CreditRecord.objects.filter(organization_id=plain).order_by("-listed_on", "-id")),
            ("/api/v1/filings/", s.FilingOutputSerializer, Filing.objects.order_by("-submitted_at", "-id")),
        ]
        expected = {url: rendered(serializer, list(queryset), users["admin_a"]) for url, serializer, queryset in cases}
    for url, rows in expected.items():
        body = api.get(url).json()
        assert body["results"] == rows, url
        assert rows, url  # each case has rows to compare
    report = api.get(f"/api/v1/orgs/{rich}/inspections/").json()["results"][0]
    assert (report["total_income"], report["net_assets"]) == ("1234.55", "-10.00")
    assert report["attachments"][0]["name"] == "审计报告.pdf"


def test_region_list_matches_the_serializer(api_for, users, tree_a):
    body = api_for(users["street_a"]).get("/api/v1/regions/?ordering=-code").json()
    with tenant_context(tree_a["tenant"]):
        expected = rendered(RegionOutputSerializer, region_list(user=users["street_a"]).order_by("-code"), users["street_a"])
    assert body["results"] == expected and len(expected) >= 3


def test_sub_lists_stay_scoped(api_for, users, data):
    rich = data["rich"].pk
    for user in ("street2_a", "admin_b"):
        for tail in ("inspections", "grades", "credit-records"):
            assert api_for(users[user]).get(f"/api/v1/orgs/{rich}/{tail}/").status_code == 404
