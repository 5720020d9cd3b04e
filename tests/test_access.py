"""Access rules through HTTP: another tenant's or another jurisdiction's object is a 404, never a 403."""

import pytest

from governance.models import AuditEvent, RoleAssignment
from governance.tenancy import tenant_context


def _region_ids(tree, *keys):
    return [tree[key].pk for key in keys]


def _admin_url(model_name, pk, view="change"):
    return f"/admin/governance/{model_name}/{pk}/{view}/"


@pytest.fixture
def a_objects(tree_a, users):
    """One object per tenant-owned admin model (and a user) of tenant A."""
    tenant = tree_a["tenant"]
    with tenant_context(tenant):
        assignment = RoleAssignment.objects.get(user=users["street_a"])
        event = AuditEvent.objects.filter(action="role.assign").first()
    assert event is not None
    return {
        "region": tree_a["street"].pk,
        "roleassignment": assignment.pk,
        "auditevent": event.pk,
        "user": users["street_a"].pk,
    }


# --- another tenant ---------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["admin_b", "street_b"])
@pytest.mark.parametrize("key", ["root", "district", "street", "community", "grid"])
def test_other_tenant_region_detail_is_404(users, tree_a, client_for, username, key):
    response = client_for(users[username]).get(f"/regions/{tree_a[key].pk}/")
    assert response.status_code == 404
    assert tree_a[key].name.encode() not in response.content


@pytest.mark.parametrize("username", ["admin_b", "street_b"])
def test_other_tenant_region_api_is_404(users, tree_a, api_for, username):
    client = api_for(users[username])
    for pk in _region_ids(tree_a, "root", "street", "community", "grid"):
        response = client.get(f"/api/v1/regions/{pk}/")
        assert response.status_code == 404
        assert set(response.json()) == {"message", "extra"}


def test_other_tenant_region_list_and_parent_filter(users, tree_a, client_for, api_for):
    client = client_for(users["admin_b"])
    response = client.get("/regions/", {"parent": tree_a["district"].pk})
    assert response.status_code == 404
    response = client.get("/regions/", {"level": 4})
    assert response.status_code == 200
    names = [r.name for r in response.context["page"].object_list]
    assert names == ["月塘街道"]
    data = api_for(users["admin_b"]).get("/api/v1/regions/").json()
    assert {row["code"][:4] for row in data["results"]} == {"4302"}
    assert data["count"] == 5


@pytest.mark.parametrize("model_name", ["region", "roleassignment", "auditevent", "user"])
def test_other_tenant_admin_change_page_is_404(users, a_objects, client_for, model_name):
    client = client_for(users["admin_b"])
    pk = a_objects[model_name]
    assert client.get(_admin_url(model_name, pk)).status_code == 404
    if model_name != "auditevent":
        assert client.get(_admin_url(model_name, pk, "delete")).status_code == 404
        assert client.post(_admin_url(model_name, pk, "delete"), {"post": "yes"}).status_code == 404
    assert client.get(_admin_url(model_name, pk, "history")).status_code == 404
    if model_name == "user":
        assert client.get(f"/admin/governance/user/{pk}/password/").status_code == 404


def test_own_tenant_admin_change_page_is_200(users, a_objects, client_for):
    client = client_for(users["admin_a"])
    for model_name, pk in a_objects.items():
        assert client.get(_admin_url(model_name, pk)).status_code == 200, model_name


def test_other_tenant_admin_cannot_rename_region(users, tree_a, client_for):
    street = tree_a["street"]
    response = client_for(users["admin_b"]).post(
        _admin_url("region", street.pk),
        {"parent": tree_a["district"].pk, "level": 4, "code": street.code, "name": "被篡改"},
    )
    assert response.status_code == 404
    with tenant_context(tree_a["tenant"]):
        street.refresh_from_db()
    assert street.name == "广东路街道"


@pytest.mark.parametrize("model_name", ["region", "roleassignment", "auditevent", "user"])
def test_other_tenant_admin_changelist_shows_only_own_rows(users, tree_a, tree_b, client_for, model_name):
    response = client_for(users["admin_b"]).get(f"/admin/governance/{model_name}/")
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows, "tenant B has rows of every model"
    tenant_ids = {getattr(row, "tenant_id", None) for row in rows}
    assert tenant_ids == {tree_b["tenant"].pk}
    content = response.content.decode()
    for key in ("street", "street2", "community2"):
        assert tree_a[key].name not in content
    assert "street_a" not in content


def test_operator_sees_both_tenants_in_admin(operator, users, tree_a, tree_b, client_for):
    client = client_for(operator)
    response = client.get("/admin/governance/region/", {"all": ""})
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert {row.tenant_id for row in rows} == {tree_a["tenant"].pk, tree_b["tenant"].pk}
    content = response.content.decode()
    assert "广东路街道" in content and "月塘街道" in content
    response = client.get("/admin/governance/user/")
    assert response.status_code == 200
    assert {"admin_a", "admin_b"} <= {u.username for u in response.context["cl"].result_list}
    assert client.get(_admin_url("region", tree_b["street"].pk)).status_code == 200


@pytest.mark.parametrize("username", ["street_a", "community_a", "auditor_a", "norole_a"])
def test_non_staff_user_cannot_open_admin(users, client_for, username):
    client = client_for(users[username])
    for url in ("/admin/", "/admin/governance/region/", "/admin/governance/user/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")


def test_staff_flag_without_admin_role_cannot_open_admin(users, tree_a, client_for):
    user = users["street_a"]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    response = client_for(user).get("/admin/governance/region/")
    assert response.status_code == 302
    assert "广东路街道".encode() not in response.content


def test_anonymous_gets_login_redirect(tree_a, client):
    for url in ("/", "/regions/", f"/regions/{tree_a['street'].pk}/", "/audit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# --- another jurisdiction in the same tenant --------------------------------------------------


@pytest.mark.parametrize("key", ["street2", "community2", "grid2", "district", "root"])
def test_street_user_cannot_open_region_outside_street(users, tree_a, client_for, api_for, key):
    pk = tree_a[key].pk
    assert client_for(users["street_a"]).get(f"/regions/{pk}/").status_code == 404
    response = api_for(users["street_a"]).get(f"/api/v1/regions/{pk}/")
    assert response.status_code == 404
    assert response.json()["message"]


@pytest.mark.parametrize("key", ["street", "community", "community_other", "grid"])
def test_street_user_opens_own_subtree(users, tree_a, client_for, api_for, key):
    region = tree_a[key]
    response = client_for(users["street_a"]).get(f"/regions/{region.pk}/")
    assert response.status_code == 200
    assert region.name in response.content.decode()
    response = api_for(users["street_a"]).get(f"/api/v1/regions/{region.pk}/")
    assert response.status_code == 200
    assert response.json()["code"] == region.code


def test_region_detail_hides_links_above_scope(users, tree_a, client_for):
    content = client_for(users["street_a"]).get(f"/regions/{tree_a['community'].pk}/").content.decode()
    assert f"/regions/{tree_a['street'].pk}/" in content
    assert f"/regions/{tree_a['district'].pk}/" not in content
    assert "东风路街道" not in content


def test_community_user_cannot_open_sibling_community(users, tree_a, client_for):
    client = client_for(users["community_a"])
    assert client.get(f"/regions/{tree_a['community'].pk}/").status_code == 200
    assert client.get(f"/regions/{tree_a['community_other'].pk}/").status_code == 404
    assert client.get(f"/regions/{tree_a['street'].pk}/").status_code == 404


def test_user_without_role_sees_nothing(users, tree_a, client_for, api_for):
    assert client_for(users["norole_a"]).get(f"/regions/{tree_a['root'].pk}/").status_code == 404
    assert api_for(users["norole_a"]).get("/api/v1/regions/").json()["count"] == 0


def test_missing_and_malformed_ids_are_404(users, client_for):
    client = client_for(users["admin_a"])
    assert client.get("/regions/999999/").status_code == 404
    assert client.get("/regions/", {"parent": "abc"}).status_code == 404


def _street_subtree(tree):
    return {tree[key].code for key in ("street", "community", "community_other", "grid")}


def test_street_user_region_list_ui_contains_only_subtree(users, tree_a, client_for):
    client = client_for(users["street_a"])
    seen = set()
    for level in (1, 2, 3, 4, 5, 6):
        response = client.get("/regions/", {"level": level})
        assert response.status_code == 200
        seen |= {r.code for r in response.context["page"].object_list}
    assert seen == _street_subtree(tree_a)
    response = client.get("/regions/", {"q": "社区"})
    assert {r.code for r in response.context["page"].object_list} == {
        tree_a["community"].code, tree_a["community_other"].code
    }
    assert "光明社区" not in response.content.decode()
    # Without filters the list starts at the top of the user's jurisdiction.
    response = client.get("/regions/")
    assert [r.code for r in response.context["page"].object_list] == [tree_a["street"].code]


def test_street_user_region_list_api_contains_only_subtree(users, tree_a, api_for):
    data = api_for(users["street_a"]).get("/api/v1/regions/", {"page_size": 200}).json()
    assert data["count"] == 4
    assert {row["code"] for row in data["results"]} == _street_subtree(tree_a)


def test_street_user_api_filters_cannot_escape_subtree(users, tree_a, api_for):
    client = api_for(users["street_a"])
    for params in ({"parent": tree_a["street2"].pk}, {"within": tree_a["district"].pk},
                   {"code_prefix": "430405002"}, {"search": "光明"}, {"level": 3}):
        data = client.get("/api/v1/regions/", params).json()
        assert data["count"] == 0, params


def test_htmx_region_rows_are_scoped(users, client_for):
    response = client_for(users["street_a"]).get("/regions/", {"level": 5}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert "建设社区" in content and "光明社区" not in content
