"""Core API: token login, the current user, the region list with its filters, schema and docs."""

import json
import re

import pytest
from rest_framework.test import APIClient

from conftest import PASSWORD
from governance import services
from governance.models import RegionLevel
from governance.tenancy import tenant_context


def _envelope(response):
    data = response.json()
    assert set(data) == {"message", "extra"}, data
    assert isinstance(data["message"], str) and data["message"]
    assert isinstance(data["extra"], dict)
    return data


# --- token ------------------------------------------------------------------------------------


def test_token_for_valid_credentials_works_on_me(users, tree_a):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "street_a", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) == 40
    # Each request makes a new token (the server keeps only hashes, so it cannot hand one out again).
    again = client.post("/api/v1/auth/token/", {"username": "street_a", "password": PASSWORD}, format="json")
    assert again.json()["token"] != token

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    me = response.json()
    assert me["username"] == "street_a"
    assert me["tenant"] == {"id": tree_a["tenant"].pk, "name": "衡阳市民政局", "slug": "hengyang",
                            "root_code": "4304"}
    assert me["roles"] == [{
        "role": "street_staff", "role_display": me["roles"][0]["role_display"],
        "region_id": tree_a["street"].pk, "region_name": "广东路街道", "region_code": "430405001000",
    }]
    assert me["roles"][0]["role_display"]


def test_token_missing_field_is_400_envelope(db):
    response = APIClient().post("/api/v1/auth/token/", {"username": "street_a"}, format="json")
    assert response.status_code == 400
    data = _envelope(response)
    assert "password" in data["extra"]["fields"]


def test_token_wrong_password_is_401_envelope(users):
    response = APIClient().post("/api/v1/auth/token/", {"username": "street_a", "password": "nope"},
                                format="json")
    assert response.status_code == 401
    data = _envelope(response)
    assert "token" not in data


def test_token_inactive_user_is_refused(users):
    user = users["street_a"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = APIClient().post("/api/v1/auth/token/", {"username": "street_a", "password": PASSWORD},
                                format="json")
    assert response.status_code == 401
    _envelope(response)


def test_me_unauthenticated_is_refused_with_envelope(db):
    response = APIClient().get("/api/v1/me/")
    assert response.status_code in (401, 403)
    _envelope(response)
    response = APIClient().get("/api/v1/regions/")
    assert response.status_code in (401, 403)
    _envelope(response)


def test_bad_token_is_401_envelope(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    _envelope(response)


def test_revoked_role_disappears_from_me(users, tree_a, api_for):
    from governance.models import RoleAssignment

    client = api_for(users["street_a"])
    assert len(client.get("/api/v1/me/").json()["roles"]) == 1
    with tenant_context(tree_a["tenant"]):
        services.role_revoke(actor=None, assignment=RoleAssignment.objects.get(user=users["street_a"]))
    assert client.get("/api/v1/me/").json()["roles"] == []
    assert client.get(f"/api/v1/regions/{tree_a['street'].pk}/").status_code == 404


def test_me_of_platform_operator(operator, api_for):
    me = api_for(operator).get("/api/v1/me/").json()
    assert me["tenant"] is None and me["roles"] == []


def test_session_auth_works_for_browser(users, client_for):
    response = client_for(users["admin_a"]).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "admin_a"


def test_api_is_json_by_default_and_has_request_id(users, api_for):
    response = api_for(users["admin_a"]).get("/api/v1/regions/")
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Request-ID"]


# --- region list filters ----------------------------------------------------------------------


def _codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_region_list_shape(users, tree_a, api_for):
    data = api_for(users["admin_a"]).get("/api/v1/regions/").json()
    assert data["count"] == 9
    assert data["next"] is None and data["previous"] is None
    row = data["results"][0]
    assert set(row) == {"id", "parent_id", "level", "level_display", "code", "name", "path", "depth"}
    assert row["code"] == "430400000000" and row["parent_id"] is None and row["depth"] == 0
    # Ordered by path: a parent comes before its children.
    paths = [r["path"] for r in data["results"]]
    assert paths == sorted(paths)


def test_region_list_filters(users, tree_a, api_for):
    client = api_for(users["admin_a"])
    assert _codes(client.get("/api/v1/regions/", {"parent": tree_a["district"].pk})) == [
        "430405001000", "430405002000"]
    assert _codes(client.get("/api/v1/regions/", {"level": RegionLevel.COMMUNITY})) == [
        "430405001001", "430405001002", "430405002001"]
    assert _codes(client.get("/api/v1/regions/", {"code_prefix": "430405002"})) == [
        "430405002000", "430405002001", "430405002001001"]
    assert _codes(client.get("/api/v1/regions/", {"within": tree_a["community"].pk})) == [
        "430405001001", "430405001001001"]
    assert _codes(client.get("/api/v1/regions/", {"search": "光明"})) == ["430405002001"]
    assert _codes(client.get("/api/v1/regions/", {"search": "430405001001"})) == [
        "430405001001", "430405001001001"]
    assert _codes(client.get("/api/v1/regions/", {"level": RegionLevel.GRID,
                                                  "within": tree_a["street2"].pk})) == ["430405002001001"]
    assert _codes(client.get("/api/v1/regions/", {"ordering": "-code", "level": RegionLevel.STREET})) == [
        "430405002000", "430405001000"]
    assert _codes(client.get("/api/v1/regions/", {"within": 999999})) == []


def test_region_list_rejects_bad_filter_values_with_envelope(users, api_for):
    response = api_for(users["admin_a"]).get("/api/v1/regions/", {"level": "99"})
    assert response.status_code == 400
    data = _envelope(response)
    assert "level" in data["extra"]["fields"]


def test_region_list_pagination(users, tree_a, api_for):
    client = api_for(users["admin_a"])
    first = client.get("/api/v1/regions/", {"page_size": 4}).json()
    assert first["count"] == 9 and len(first["results"]) == 4
    assert first["next"] and "page=2" in first["next"]
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert third["next"] is None and len(third["results"]) == 1
    codes = [r["code"] for page in (first, second, third) for r in page["results"]]
    assert len(set(codes)) == 9
    response = client.get("/api/v1/regions/", {"page": 99})
    assert response.status_code == 404
    _envelope(response)
    # The page size is capped.
    assert len(client.get("/api/v1/regions/", {"page_size": 100000}).json()["results"]) == 9


# --- schema and docs --------------------------------------------------------------------------


def test_openapi_schema(db):
    client = APIClient()
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/me/", "/api/v1/regions/", "/api/v1/regions/{id}/", "/api/v1/auth/token/"):
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/regions/"]["get"]["parameters"]}
    assert {"parent", "level", "code_prefix", "within", "search", "page", "page_size"} <= params
    assert "ErrorSerializer" in json.dumps(schema) or "Error" in schema["components"]["schemas"]
    from openapi_spec_validator import validate

    validate(schema)  # raises on any violation of the OpenAPI 3 specification


def test_openapi_schema_yaml_default(db):
    import yaml

    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")


def test_api_docs_work_offline(db, client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "cdn" not in html.lower()
    sources = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert sources
    for url in sources:
        assert not url.startswith(("http://", "https://", "//")), url
    assert any(url.startswith("/static/") and "swagger-ui" in url for url in sources), sources
    # Swagger UI's start script is a file (no inline script, for the Content-Security-Policy); it loads
    # the schema from this site.
    start = next(u for u in sources if u.startswith("/api/docs/"))
    assert "/api/schema/" in client.get(start).content.decode()
    for url in (u for u in sources if u.startswith("/static/")):
        asset = client.get(url)
        assert asset.status_code == 200, url
        if hasattr(asset, "streaming_content"):
            b"".join(asset.streaming_content)


def test_redoc_works_offline(db, client):
    response = client.get("/api/redoc/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert not re.search(r"""src\s*=\s*["']https?://""", html)


@pytest.mark.parametrize("url", ["/api/v1/regions/", "/api/v1/me/"])
def test_api_write_methods_are_not_allowed(users, api_for, url):
    response = api_for(users["admin_a"]).post(url, {}, format="json")
    assert response.status_code == 405
    _envelope(response)


def test_token_wins_over_session_for_tenant_scope(users, tree_a, client_for):
    """A browser session of tenant B plus a token of tenant A: the request is A's, consistently."""
    client = client_for(users["admin_b"])
    _token, key = services.api_token_create(actor=None, user=users["street_a"], name="tests")
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    me = response.json()
    assert me["username"] == "street_a"
    assert [role["region_name"] for role in me["roles"]] == ["广东路街道"]
    data = client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {key}").json()
    assert data["count"] == 4 and all(row["code"].startswith("430405001") for row in data["results"])
    # A bad token is refused rather than silently falling back to the session.
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert response.status_code == 401
