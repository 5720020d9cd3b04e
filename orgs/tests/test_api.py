"""Registry API through HTTP with token authentication: scoping, validation envelope, workflows."""

import datetime

import pytest

from governance.models import AuditEvent
from governance.standards import make_uscc
from governance.tenancy import all_tenants, tenant_context
from orgs import services
from orgs.models import AnnualReport, CreditRecord, Organization, OrgChangeRequest, OrgKind, OrgStatus
from orgs.tests.factories import AnnualReportFactory, MembershipFactory, OrganizationFactory, uscc_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs_a(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        mine = OrganizationFactory(region=tree_a["community"], name="建设社区夕阳红志愿服务队")
        other_street = OrganizationFactory(region=tree_a["community2"], name="光明社区文体协会")
        MembershipFactory(organization=mine, user=users["org_a"])
    return {"mine": mine, "other_street": other_street}


def _count(api, url):
    response = api.get(url)
    assert response.status_code == 200, response.content
    return response.json()["count"]


def test_list_is_scoped_to_the_jurisdiction_and_tenant(api_for, users, orgs_a):
    assert _count(api_for(users["admin_a"]), "/api/v1/orgs/") == 2
    street = api_for(users["street_a"]).get("/api/v1/orgs/").json()
    assert [row["name"] for row in street["results"]] == ["建设社区夕阳红志愿服务队"]
    assert _count(api_for(users["street2_a"]), "/api/v1/orgs/") == 1
    assert _count(api_for(users["org_a"]), "/api/v1/orgs/") == 1
    assert _count(api_for(users["admin_b"]), "/api/v1/orgs/") == 0


@pytest.mark.parametrize("who", ["admin_b", "street_b", "street2_a"])
def test_detail_and_subresources_are_404_outside(api_for, users, orgs_a, who):
    api = api_for(users[who])
    pk = orgs_a["mine"].pk
    for url in (f"/api/v1/orgs/{pk}/", f"/api/v1/orgs/{pk}/inspections/", f"/api/v1/orgs/{pk}/grades/",
                f"/api/v1/orgs/{pk}/credit-records/"):
        response = api.get(url)
        assert response.status_code == 404, url
        assert set(response.json()) == {"message", "extra"}
    assert api.patch(f"/api/v1/orgs/{pk}/", {"contact_phone": "1"}, format="json").status_code == 404


def test_org_user_sees_only_its_organization(api_for, users, orgs_a):
    api = api_for(users["org_a"])
    assert api.get(f"/api/v1/orgs/{orgs_a['mine'].pk}/").status_code == 200
    assert api.get(f"/api/v1/orgs/{orgs_a['other_street'].pk}/").status_code == 404


def _payload(tree, **overrides):
    data = {
        "region": tree["community"].pk, "name": "衡阳市珠晖区助老服务中心", "kind": OrgKind.SERVICE_INSTITUTION,
        "uscc": make_uscc("5", "2", "430405", "MJ900001"), "legal_representative": "王五",
        "registered_date": "2020-05-01", "domains": ["elderly", "community"],
    }
    data.update(overrides)
    return data


def test_create_with_valid_code_writes_row_and_audit(api_for, users, tree_a):
    response = api_for(users["street_a"]).post("/api/v1/orgs/", _payload(tree_a), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "service_institution" and sorted(body["domains"]) == ["community", "elderly"]
    with tenant_context(tree_a["tenant"]):
        org = Organization.objects.get(pk=body["id"])
        assert AuditEvent.objects.filter(object_id=str(org.pk), action__startswith="organization.").exists()


@pytest.mark.parametrize(
    ("uscc", "kind", "needle"),
    [
        ("5243040", OrgKind.SERVICE_INSTITUTION, "18"),  # format: length
        ("52430405MJ90000I1X", OrgKind.SERVICE_INSTITUTION, "I"),  # format: forbidden character
        (make_uscc("9", "1", "430405", "MJ900002"), OrgKind.SERVICE_INSTITUTION, "5"),  # authority not civil affairs
        (make_uscc("5", "1", "430405", "MJ900003"), OrgKind.SERVICE_INSTITUTION, "2"),  # type ≠ kind
        (make_uscc("5", "2", "430405", "MJ900004")[:-1] + "0", OrgKind.SERVICE_INSTITUTION, "18"),  # check char
    ],
)
def test_each_invalid_code_class_is_refused_with_a_clear_message(api_for, users, tree_a, uscc, kind, needle):
    if uscc.endswith("0") and uscc[:-1] + make_uscc("5", "2", "430405", "MJ900004")[-1] == uscc:
        pytest.fail("test data error: the mutated code is still valid")
    response = api_for(users["street_a"]).post("/api/v1/orgs/", _payload(tree_a, uscc=uscc, kind=kind),
                                                format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["message"] and "uscc" in body["extra"]["fields"]
    assert needle in " ".join(body["extra"]["fields"]["uscc"])
    with tenant_context(tree_a["tenant"]):
        assert not Organization.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="organization.").exists()


def test_duplicate_code_is_refused_even_across_tenants(api_for, users, tree_a, tree_b):
    code = uscc_for(4242, OrgKind.ASSOCIATION, "430202")
    with tenant_context(tree_b["tenant"]):
        OrganizationFactory(region=tree_b["community"], uscc=code)
    response = api_for(users["street_a"]).post(
        "/api/v1/orgs/", _payload(tree_a, uscc=code, kind=OrgKind.ASSOCIATION), format="json")
    assert response.status_code == 400
    assert "uscc" in response.json()["extra"]["fields"]
    with all_tenants():
        assert Organization.objects.filter(uscc=code).count() == 1


def test_create_refused_for_read_only_roles_and_foreign_regions(api_for, users, tree_a, tree_b):
    assert api_for(users["auditor_a"]).post("/api/v1/orgs/", _payload(tree_a), format="json").status_code == 403
    response = api_for(users["street_a"]).post("/api/v1/orgs/", _payload(tree_a, region=tree_a["community2"].pk),
                                                format="json")
    assert response.status_code == 404
    response = api_for(users["street_a"]).post("/api/v1/orgs/", _payload(tree_a, region=tree_b["community"].pk),
                                                format="json")
    assert response.status_code == 404


def test_missing_fields_give_the_envelope(api_for, users):
    response = api_for(users["street_a"]).post("/api/v1/orgs/", {}, format="json")
    assert response.status_code == 400
    assert {"name", "kind", "region"} <= set(response.json()["extra"]["fields"])


def test_org_user_patch_saves_direct_fields_and_requests_key_changes(api_for, users, orgs_a, tree_a):
    api = api_for(users["org_a"])
    response = api.patch(f"/api/v1/orgs/{orgs_a['mine'].pk}/",
                         {"contact_phone": "13800000000", "name": "建设社区夕阳红服务队"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["organization"]["contact_phone"] == "13800000000"
    assert body["organization"]["name"] == "建设社区夕阳红志愿服务队"  # key field awaits approval
    assert body["pending_changes"]["name"][1] == "建设社区夕阳红服务队"
    with tenant_context(tree_a["tenant"]):
        assert OrgChangeRequest.objects.filter(organization=orgs_a["mine"], status="pending").count() == 1


def test_staff_patch_validates_and_updates(api_for, users, orgs_a):
    api = api_for(users["street_a"])
    pk = orgs_a["mine"].pk
    assert api.patch(f"/api/v1/orgs/{pk}/", {"volunteers": -1}, format="json").status_code == 400
    response = api.patch(f"/api/v1/orgs/{pk}/", {"volunteers": 35}, format="json")
    assert response.status_code == 200 and response.json()["organization"]["volunteers"] == 35
    # A registered association's status belongs to the registration authority (tenant admin), not the street.
    response = api.post(f"/api/v1/orgs/{pk}/status/", {"status": OrgStatus.SUSPENDED, "note": "停止活动"},
                        format="json")
    assert response.status_code == 403 and response.json()["message"]
    # So is its registration data: the street keeps its contact data (above), not its name (issue 7 item 11).
    response = api.patch(f"/api/v1/orgs/{pk}/", {"name": "改名协会"}, format="json")
    assert response.status_code == 400 and "登记管理机关" in response.json()["message"]
    api = api_for(users["admin_a"])
    assert api.patch(f"/api/v1/orgs/{pk}/", {"name": "改名协会"}, format="json").status_code == 200
    assert api.post(f"/api/v1/orgs/{pk}/status/", {"status": OrgStatus.SUSPENDED}, format="json").status_code == 400
    response = api.post(f"/api/v1/orgs/{pk}/status/", {"status": OrgStatus.SUSPENDED, "note": "停止活动"},
                        format="json")
    assert response.status_code == 200 and response.json()["status"] == OrgStatus.SUSPENDED


def test_annual_report_submit_and_review_through_the_api(api_for, users, orgs_a, tree_a):
    with tenant_context(tree_a["tenant"]):
        report = AnnualReportFactory(organization=orgs_a["mine"], due_date=datetime.date.today())
    base = f"/api/v1/orgs/{orgs_a['mine'].pk}/inspections/{report.pk}/"
    org_api, staff_api = api_for(users["org_a"]), api_for(users["street_a"])
    assert org_api.patch(base, {"income_donations": "1200.50", "spending": "800"}, format="json").status_code == 200
    # Not submitted yet: a conflict with the report's state (409), not a malformed request.
    assert staff_api.post(base + "review/", {"conclusion": "qualified"}, format="json").status_code == 409
    assert org_api.post(base + "submit/", {}, format="json").status_code == 200
    again = org_api.post(base + "submit/", {}, format="json")  # double submission
    assert again.status_code == 409 and again.json()["message"]
    assert org_api.post(base + "review/", {"conclusion": "qualified"}, format="json").status_code == 400
    assert staff_api.post(base + "review/", {"conclusion": "nonsense"}, format="json").status_code == 400
    response = staff_api.post(base + "review/", {"conclusion": "basically_qualified", "note": "账目不全"},
                              format="json")
    assert response.status_code == 200
    assert response.json()["conclusion"] == "basically_qualified"
    listing = org_api.get(f"/api/v1/orgs/{orgs_a['mine'].pk}/inspections/").json()
    assert listing["results"][0]["total_income"] == "1200.50"
    with tenant_context(tree_a["tenant"]):
        assert AnnualReport.objects.get(pk=report.pk).status == "reviewed"


def test_grade_and_credit_records(api_for, users, orgs_a, tree_a):
    api = api_for(users["street_a"])
    pk = orgs_a["mine"].pk
    response = api.post(f"/api/v1/orgs/{pk}/credit-records/",
                        {"list_type": "abnormal", "reason": "large_fine", "listed_on": "2025-01-01"}, format="json")
    assert response.status_code == 400  # a serious-list reason on the abnormal list
    response = api.post(f"/api/v1/orgs/{pk}/credit-records/",
                        {"list_type": "abnormal", "reason": "unreachable", "listed_on": "2025-01-01"}, format="json")
    assert response.status_code == 201, response.content
    assert api.get(f"/api/v1/orgs/{pk}/credit-records/").json()["count"] == 1
    # Not eligible: the organization has no reviewed annual reports for the last two years.
    response = api.post(f"/api/v1/orgs/{pk}/grades/", {"score": 880, "awarded_date": "2025-06-01"}, format="json")
    assert response.status_code == 409 and response.json()["extra"]["reasons"]
    assert api_for(users["org_a"]).post(f"/api/v1/orgs/{pk}/credit-records/", {
        "list_type": "abnormal", "reason": "unreachable", "listed_on": "2025-01-01"}, format="json").status_code == 400
    with tenant_context(tree_a["tenant"]):
        assert CreditRecord.objects.filter(organization_id=pk).count() == 1


def test_stats_for_a_region(api_for, users, orgs_a, tree_a):
    api = api_for(users["admin_a"])
    body = api.get(f"/api/v1/orgs/stats/?region={tree_a['street'].pk}").json()
    assert body["total"] == 1
    assert api.get("/api/v1/orgs/stats/").json()["total"] == 2
    assert api_for(users["street_a"]).get(f"/api/v1/orgs/stats/?region={tree_a['street2'].pk}").status_code == 404


def test_filing_workflow_through_the_api(api_for, users, tree_a):
    response = api_for(users["community_a"]).post("/api/v1/filings/", {
        "region": tree_a["community"].pk, "name": "建设社区广场舞队", "legal_representative": "赵六",
        "domains": ["culture_sports"]}, format="json")
    assert response.status_code == 201, response.content
    filing_id = response.json()["id"]
    url = f"/api/v1/filings/{filing_id}/transition/"
    assert api_for(users["street_a"]).post(url, {"to": "filed"}, format="json").status_code == 409
    assert api_for(users["street2_a"]).post(url, {"to": "community_approved"}, format="json").status_code == 404
    assert api_for(users["community_a"]).post(url, {"to": "community_approved"}, format="json").status_code == 200
    response = api_for(users["street_a"]).post(url, {"to": "filed"}, format="json")
    assert response.status_code == 200
    assert response.json()["organization"]["status"] == "active"
    assert response.json()["organization"]["filing_number"]


def test_list_api_query_count_does_not_grow_with_rows(api_for, users, tree_a, query_budget):
    api = api_for(users["admin_a"])

    def make_rows(count: int) -> None:
        with tenant_context(tree_a["tenant"]):
            for index in range(count):
                org = OrganizationFactory(region=tree_a["community" if index % 2 else "community2"])
                services.organization_update(actor=users["admin_a"], organization=org, domains=["elderly", "children"])
                CreditRecord.objects.create(organization=org, list_type="abnormal", reason="unreachable",
                                            listed_on=datetime.date(2025, 1, 1))

    def results(response) -> int:
        return len(response.json()["results"])

    query_budget(make_rows, lambda: api.get("/api/v1/orgs/?page_size=50"), sizes=(3, 43), expected=5, rows=results)
    query_budget(lambda count: None, lambda: api.get("/api/v1/orgs/?page_size=20"), sizes=(1, 2), expected=5)


def test_schema_documents_the_registry(client):
    body = client.get("/api/schema/?format=json").json()
    for path in ("/api/v1/orgs/", "/api/v1/orgs/{id}/", "/api/v1/orgs/{id}/inspections/",
                 "/api/v1/orgs/{id}/grades/", "/api/v1/orgs/{id}/credit-records/", "/api/v1/orgs/stats/"):
        assert path in body["paths"], path
    params = {p["name"] for p in body["paths"]["/api/v1/orgs/"]["get"]["parameters"]}
    assert {"q", "kind", "domain", "status", "grade", "credit", "region"} <= params
