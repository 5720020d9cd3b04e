"""Bad query parameters get a clear, translated 400 and change nothing (issue 7, item 6).

NUL characters are refused by one middleware for every page (PostgreSQL cannot compare or store them:
``?status=%00`` was a 500 there); every query parameter of every API list is validated by its filter,
walked from the OpenAPI document so a new list is covered without a new test.
"""

import json
import re

import pytest
from django.db import DataError, connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from governance.tenancy import tenant_context
from orgs.models import Organization
from orgs.tests.factories import OrganizationFactory

CJK = re.compile(r"[\u4e00-\u9fff]")


def _bad_request(response, field=None):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    if response["Content-Type"].startswith("application/json"):
        data = response.json()
        assert set(data) == {"message", "extra"} and CJK.search(data["message"]), data
        if field is not None:
            messages = data["extra"]["fields"][field]
            assert messages and all(CJK.search(m) for m in messages), messages
    else:
        assert "请求有误" in response.content.decode()


# --- over-long query string -------------------------------------------------------------------


def test_an_over_long_query_string_is_a_translated_414_page_and_envelope(users, api_for, client_for, settings):
    long_query = "q=" + "a" * settings.MAX_QUERY_STRING_LENGTH
    response = api_for(users["admin_a"]).get("/api/v1/orgs/?" + long_query)
    assert response.status_code == 414
    assert set(response.json()) == {"message", "extra"} and CJK.search(response.json()["message"])
    page = client_for(users["admin_a"]).get("/orgs/?" + long_query)
    assert page.status_code == 414 and "过长" in page.content.decode()
    # Just under the limit is an ordinary request.
    assert api_for(users["admin_a"]).get("/api/v1/orgs/?q=" + "a" * 1000).status_code == 200


def test_gunicorn_passes_long_request_lines_to_the_platform():
    import runpy
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    assert config["limit_request_line"] == 0  # 0 = gunicorn's 1 MB ceiling; the platform's 16 KB applies


# --- NUL ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/api/v1/filings/?status=%00",
    "/api/v1/orgs/?q=%00",
    "/api/v1/orgs/?%00=1",
    "/api/v1/regions/?search=a%00b",
    "/api/v1/me/?x=%00",
])
def test_nul_in_api_query_parameters_is_a_400(users, api_for, url):
    _bad_request(api_for(users["admin_a"]).get(url))


@pytest.mark.parametrize("url", [
    "/admin/orgs/organization/?status__exact=%00",
    "/admin/orgs/organization/?q=%00",
    "/orgs/?q=%00",
    "/regions/?q=%00",
])
def test_nul_in_page_query_parameters_is_a_400(users, client_for, url):
    _bad_request(client_for(users["admin_a"]).get(url))


def test_nul_in_a_form_post_a_cookie_or_the_path_is_a_400(db):
    _bad_request(Client().post("/accounts/login/", {"username": "a\x00", "password": "b"}))
    _bad_request(Client().post("/accounts/login/", {"user\x00name": "a", "password": "b"}))
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    _bad_request(client.get("/accounts/login/"))
    _bad_request(Client().get("/accounts/login%00/"))


def test_nul_in_a_json_body_is_a_field_error_and_changes_nothing(users, api_for, tree_a):
    response = api_for(users["admin_a"]).post("/api/v1/filings/", {
        "region": tree_a["community"].pk, "name": "互助\x00会", "legal_representative": "王芳"}, format="json")
    _bad_request(response, "name")
    with tenant_context(tree_a["tenant"]):
        assert not Organization.objects.exists()


@pytest.mark.postgres
def test_postgres_itself_refuses_nul_so_the_guard_is_needed(users, tree_a):
    """Without the middleware ``?status=%00`` reaches a query like this one, which PostgreSQL refuses."""
    with tenant_context(tree_a["tenant"]), pytest.raises((ValueError, DataError)), transaction.atomic():
        list(Organization.objects.filter(status="\x00"))
    assert connection.vendor == "postgresql"


@pytest.mark.postgres
def test_postgres_nul_in_admin_and_api_filters_is_a_400(users, api_for, client_for):
    _bad_request(api_for(users["admin_a"]).get("/api/v1/filings/?status=%00"))
    _bad_request(client_for(users["admin_a"]).get("/admin/orgs/organization/?status__exact=%00"))


# --- filters ------------------------------------------------------------------------------------


def test_unknown_filing_status_is_a_translated_400(users, api_for):
    _bad_request(api_for(users["admin_a"]).get("/api/v1/filings/", {"status": "bogus"}), "status")


def test_known_filing_status_filters(users, api_for):
    response = api_for(users["admin_a"]).get("/api/v1/filings/", {"status": "submitted"})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_stats_region_must_be_an_id(users, api_for):
    client = api_for(users["admin_a"])
    _bad_request(client.get("/api/v1/orgs/stats/", {"region": "abc"}), "region")
    _bad_request(client.get("/api/v1/orgs/stats/", {"region": "99999999999999999999999"}), "region")
    assert client.get("/api/v1/orgs/stats/", {"region": "999999"}).status_code == 404


def test_unknown_ordering_is_a_400(users, api_for):
    _bad_request(api_for(users["admin_a"]).get("/api/v1/regions/", {"ordering": "password"}), "ordering")
    assert api_for(users["admin_a"]).get("/api/v1/regions/", {"ordering": "-code,name"}).status_code == 200


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5", ""])
def test_bad_page_size_is_a_400(users, api_for, value):
    _bad_request(api_for(users["admin_a"]).get("/api/v1/regions/", {"page_size": value}), "page_size")


@pytest.mark.parametrize("value", ["abc", "-1", "0", ""])
def test_bad_page_is_a_404_envelope(users, api_for, value):
    response = api_for(users["admin_a"]).get("/api/v1/regions/", {"page": value})
    assert response.status_code == 404 and set(response.json()) == {"message", "extra"}


def _schema():
    return json.loads(APIClient().get("/api/schema/", {"format": "json"}).content)


def _bad_values(parameter_schema):
    """Values the parameter's documented schema excludes (each must be refused)."""
    if "enum" in parameter_schema:  # "" too, unless documented (an empty ordering is the default order)
        return ["bogus-value", *([""] if "" not in parameter_schema["enum"] else [])]
    if parameter_schema.get("type") == "integer":
        above = [str(parameter_schema["maximum"] + 1)] if "maximum" in parameter_schema else []
        below = [str(parameter_schema["minimum"] - 1)] if "minimum" in parameter_schema else []
        return ["abc", "1.5", "", *above, *below]
    return []


def test_every_query_parameter_of_every_api_list_is_validated(users, api_for, tree_a):
    """Walks the OpenAPI document: each typed query parameter refuses values outside its schema."""
    with tenant_context(tree_a["tenant"]):
        organization = OrganizationFactory(region=tree_a["community"])
    client = api_for(users["admin_a"])
    checked = []
    for route, operations in _schema()["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        url = route.replace("{id}", str(organization.pk)).replace("{report_id}", "1")
        if "{" in url or client.get(url).status_code != 200:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            for value in _bad_values(parameter["schema"]):
                response = client.get(url, {parameter["name"]: value})
                expected = 404 if parameter["name"] == "page" else 400
                assert response.status_code == expected, (url, parameter["name"], value, response.content[:200])
                assert set(response.json()) == {"message", "extra"}
                checked.append((url, parameter["name"]))
    names = {name for _url, name in checked}
    assert {"status", "kind", "region", "page_size", "page", "level", "parent", "within"} <= names, names
    assert len({url for url, _name in checked}) >= 6


def test_errors_of_list_items_are_json_objects_not_a_500(users, api_for, tree_a):
    """A list field reports its items' errors by index: the keys must be strings for the JSON renderer."""
    response = api_for(users["admin_a"]).post("/api/v1/filings/", {
        "region": tree_a["community"].pk, "name": "互助会", "legal_representative": "王芳",
        "domains": [None, "elderly", "nope"]}, format="json")
    _bad_request(response)
    assert set(response.json()["extra"]["fields"]["domains"]) <= {"0", "2"}


def test_counts_above_the_column_are_refused_as_documented(users, api_for, tree_a):
    schema = _schema()["components"]["schemas"]["FilingInputRequest"]["properties"]["volunteers"]
    response = api_for(users["admin_a"]).post("/api/v1/filings/", {
        "region": tree_a["community"].pk, "name": "互助会", "legal_representative": "王芳",
        "volunteers": schema["maximum"] + 1}, format="json")
    _bad_request(response, "volunteers")
