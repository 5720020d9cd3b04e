"""The OpenAPI document matches what the API does (issue 7, item 10).

Real responses are validated against the documented schema of their status (formats included), the
input enums offer only what the services accept, and every operation documents its error statuses
with the envelope. schemathesis checks the same at random in CI (scripts/fuzz_api.sh).
"""

import datetime
import json

import pytest
from openapi_schema_validator import OAS30Validator
from rest_framework.test import APIClient

from governance.tenancy import tenant_context
from orgs.models import FilingStatus, OrgStatus
from orgs.services import MANUAL_STATUSES
from orgs.tests.factories import AnnualReportFactory, OrganizationFactory


@pytest.fixture
def schema(db):
    return json.loads(APIClient().get("/api/schema/", {"format": "json"}).content)


def _component(schema, name):
    return schema["components"]["schemas"][name]


def _enum(schema, node):
    if "$ref" in node:
        return _enum(schema, _component(schema, node["$ref"].rsplit("/", 1)[1]))
    return node["enum"]


def _response_errors(schema, route, method, response):
    """Validation errors of a real response against the schema documented for its status."""
    documented = schema["paths"][route][method]["responses"][str(response.status_code)]
    body_schema = documented["content"]["application/json"]["schema"]
    validator = OAS30Validator({**schema, **body_schema}, format_checker=OAS30Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(response.json())]


def test_document_is_valid_openapi(schema):
    from openapi_spec_validator import validate

    validate(schema)


def test_stats_document_what_the_endpoint_returns(schema, users, api_for):
    properties = _component(schema, "StatsOutput")["properties"]
    assert "by_credit_list" in properties and "region" in properties and "by_credit" not in properties
    response = api_for(users["admin_a"]).get("/api/v1/orgs/stats/")
    assert set(response.json()) == set(properties)
    assert _response_errors(schema, "/api/v1/orgs/stats/", "get", response) == []


def test_empty_email_and_conclusion_are_documented(schema, users, api_for, tree_a):
    for name in ("OrganizationOutput", "MeOutput"):
        assert "format" not in _component(schema, name)["properties"]["email"], name
    conclusion = _component(schema, "AnnualReportOutput")["properties"]["conclusion"]
    assert "" in [value for option in conclusion["oneOf"] for value in _enum(schema, option)]

    with tenant_context(tree_a["tenant"]):
        organization = OrganizationFactory(region=tree_a["community"], email="")
        report = AnnualReportFactory(organization=organization, due_date=datetime.date.today())
    client = api_for(users["admin_a"])
    checks = [
        ("/api/v1/me/", "get", "/api/v1/me/"),
        ("/api/v1/orgs/{id}/", "get", f"/api/v1/orgs/{organization.pk}/"),
        ("/api/v1/orgs/", "get", "/api/v1/orgs/"),
        ("/api/v1/orgs/{id}/inspections/", "get", f"/api/v1/orgs/{organization.pk}/inspections/"),
        ("/api/v1/orgs/{id}/inspections/{report_id}/", "get",
         f"/api/v1/orgs/{organization.pk}/inspections/{report.pk}/"),
        ("/api/v1/regions/", "get", "/api/v1/regions/"),
        ("/api/v1/filings/", "get", "/api/v1/filings/"),
    ]
    for route, method, url in checks:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _response_errors(schema, route, method, response) == [], url


def test_platform_operator_me_with_null_tenant_matches(schema, operator, api_for):
    response = api_for(operator).get("/api/v1/me/")
    assert response.json()["tenant"] is None
    assert _response_errors(schema, "/api/v1/me/", "get", response) == []


def test_error_responses_match_the_envelope_schema(schema, users, api_for):
    client = api_for(users["admin_a"])
    for route, method, response in [
        ("/api/v1/orgs/{id}/", "get", client.get("/api/v1/orgs/999999/")),
        ("/api/v1/orgs/", "get", client.get("/api/v1/orgs/", {"kind": "nope"})),
        ("/api/v1/me/", "get", APIClient().get("/api/v1/me/")),
    ]:
        assert response.status_code >= 400
        assert _response_errors(schema, route, method, response) == []


def test_input_enums_offer_only_what_the_services_accept(schema):
    manual = sorted(str(status) for status in MANUAL_STATUSES)
    status_input = _component(schema, "StatusInputRequest")["properties"]["status"]
    assert sorted(_enum(schema, status_input)) == manual
    create = _component(schema, "OrganizationInputRequest")["properties"]["status"]
    assert OrgStatus.PENDING not in _enum(schema, create) and OrgStatus.REJECTED not in _enum(schema, create)
    targets = [value for option in _component(schema, "TransitionInputRequest")["oneOf"]
               for value in _enum(schema, _component(schema, option["$ref"].rsplit("/", 1)[1])["properties"]["to"])]
    assert FilingStatus.SUBMITTED not in targets and sorted(targets) == sorted(
        [FilingStatus.COMMUNITY_APPROVED, FilingStatus.FILED, FilingStatus.REJECTED])
    rejected = _component(schema, "FilingReasonedInputRequest")
    assert "note" in rejected["required"]


def test_credit_reasons_are_documented_per_list(schema):
    variants = {}
    for option in _component(schema, "CreditRecordInputRequest")["oneOf"]:
        component = _component(schema, option["$ref"].rsplit("/", 1)[1])["properties"]
        (list_type,) = _enum(schema, component["list_type"])
        variants[list_type] = set(_enum(schema, component["reason"]))
    assert set(variants) == {"abnormal", "serious"}
    assert "annual_report_overdue" in variants["abnormal"] and not variants["abnormal"] & variants["serious"]


# Application attachments: the one upload (multipart) and the one file download (binary) of the API.
FILE_UPLOADS = {"/api/v1/projects/applications/{id}/attachments/"}
FILE_DOWNLOADS = {"/api/v1/projects/applications/{id}/attachments/{attachment_pk}/file/"}


def test_every_operation_documents_its_errors_with_the_envelope(schema):
    envelope = {"$ref": "#/components/schemas/Error"}
    assert set(_component(schema, "Error")["required"]) == {"message", "extra"}
    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            expected = {"400", "401", "403", "404", "429"}
            if method in {"post", "patch", "put"}:
                expected |= {"409", "413", "415"}
            responses = operation["responses"]
            assert expected <= set(responses), (route, method, sorted(responses))
            for code in expected:
                assert responses[code]["content"] == {"application/json": {"schema": envelope}}, (route, code)
            for code, response in responses.items():
                media = {"application/octet-stream"} if route in FILE_DOWNLOADS and code == "200" else {
                    "application/json"}
                assert set(response.get("content", {"application/json": None})) == media, (route, code)
            if "requestBody" in operation:
                media = {"multipart/form-data"} if route in FILE_UPLOADS else {"application/json"}
                assert set(operation["requestBody"]["content"]) == media, route


def test_documented_text_and_amount_patterns_are_what_the_api_accepts(users, api_for, schema, tree_a):
    import re

    pattern = _component(schema, "PatchedAnnualReportInputRequest")["properties"]["spending"]["pattern"]
    assert re.fullmatch(pattern, "1200.50") and not re.fullmatch(pattern, "1e3") and not re.fullmatch(pattern, "")
    with tenant_context(tree_a["tenant"]):
        organization = OrganizationFactory(region=tree_a["community"])
        report = AnnualReportFactory(organization=organization, due_date=datetime.date.today())
    url = f"/api/v1/orgs/{organization.pk}/inspections/{report.pk}/"
    client = api_for(users["admin_a"])
    for refused in ("1e3", "1_000", " 5", 5, "-1"):
        response = client.patch(url, {"spending": refused}, format="json")
        assert response.status_code == 400 and "spending" in response.json()["extra"]["fields"], refused
    assert client.patch(url, {"spending": "1000.5"}, format="json").status_code == 200
    name = _component(schema, "FilingInputRequest")["properties"]["name"]
    assert not re.search(name["pattern"], "   ") and re.search(name["pattern"], "互助会")
    assert not re.search(name["pattern"], "\x85\u3000\x1c")  # blank to DRF's strip(), though not to ECMA's \s
    response = client.post(f"/api/v1/orgs/{organization.pk}/status/", {"status": "suspended", "note": "\x85"},
                           format="json")
    assert response.status_code == 400 and "note" in response.json()["extra"]["fields"]


def test_wrong_json_types_are_refused_not_coerced(users, api_for, tree_a):
    with tenant_context(tree_a["tenant"]):
        organization = OrganizationFactory(region=tree_a["community"])
    client = api_for(users["admin_a"])
    response = client.post(f"/api/v1/orgs/{organization.pk}/status/", {"status": "suspended", "note": 0},
                           format="json")
    assert response.status_code == 400 and "note" in response.json()["extra"]["fields"]
    response = client.patch(f"/api/v1/orgs/{organization.pk}/", {"volunteers": "7"}, format="json")
    assert response.status_code == 400 and "volunteers" in response.json()["extra"]["fields"]
    response = client.patch(f"/api/v1/orgs/{organization.pk}/", {"volunteers": 7}, format="json")
    assert response.status_code == 200


def test_future_dates_are_refused_and_documented(schema, users, api_for, tree_a):
    awarded = _component(schema, "GradeInputRequest")["properties"]["awarded_date"]
    assert awarded["x-not-after"] == "today" and awarded["format"] == "date"
    with tenant_context(tree_a["tenant"]):
        organization = OrganizationFactory(region=tree_a["community"])
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    response = api_for(users["admin_a"]).post(f"/api/v1/orgs/{organization.pk}/grades/",
                                              {"score": 800, "awarded_date": tomorrow}, format="json")
    assert response.status_code == 400 and "awarded_date" in response.json()["extra"]["fields"]


def test_a_status_step_on_an_incomplete_record_is_a_409(users, api_for, tree_a):
    """The request is valid; the record (a filed group without its filing number) is what must change."""
    from orgs.models import Organization, OrgKind

    with tenant_context(tree_a["tenant"]):
        organization = OrganizationFactory(region=tree_a["community"], kind=OrgKind.COMMUNITY_GROUP,
                                           uscc=None, filing_number="F-1", status=OrgStatus.SUSPENDED)
        Organization.objects.filter(pk=organization.pk).update(filing_number="")
    response = api_for(users["admin_a"]).post(f"/api/v1/orgs/{organization.pk}/status/",
                                              {"status": "active", "note": "恢复活动"}, format="json")
    assert response.status_code == 409, response.content
    assert "filing_number" in response.json()["extra"]["fields"]


def test_every_route_and_method_is_listed_in_docs_api(schema):
    """docs/api.md lists every path of the document with its methods, so the guide cannot fall behind the API."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    rows = [line for line in doc.splitlines() if line.startswith("| ")]
    missing = []
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        methods = {m.upper() for m in operations if m in ("get", "post", "put", "patch", "delete")}
        listed = [row for row in rows if f"`{path}`" in row]
        documented = {m.strip() for row in listed for m in row.split("|")[1].split(",")}
        if not listed or not methods <= documented:
            missing.append(f"{sorted(methods - documented) or 'all'} {path}")
    assert not missing, "docs/api.md lacks: " + "; ".join(missing)
