"""The tenant-aware admin: role edits are validated and audited, tenant admins stay inside their tenant."""

import pytest

from conftest import PASSWORD
from governance.models import AuditEvent, Region, Role, RoleAssignment, User
from governance.tenancy import all_tenants, tenant_context

INLINE = "role_assignments"


def _user_form(user, *, operator=False, roles=(), existing=(), delete=()):
    """POST data of the user change form with the role inline (``roles``: new (region, role) rows)."""
    data = {
        "username": user.username, "display_name": user.display_name, "phone": "", "email": user.email,
        "first_name": "", "last_name": "", "is_active": "on",
        f"{INLINE}-TOTAL_FORMS": str(len(existing) + len(roles)), f"{INLINE}-INITIAL_FORMS": str(len(existing)),
        f"{INLINE}-MIN_NUM_FORMS": "0", f"{INLINE}-MAX_NUM_FORMS": "1000",
    }
    if user.is_staff:
        data["is_staff"] = "on"
    if operator:
        data.update({"tenant": str(user.tenant_id or ""), "date_joined_0": "2026-01-01",
                     "date_joined_1": "00:00:00"})
    for index, assignment in enumerate(existing):
        data.update({f"{INLINE}-{index}-id": str(assignment.pk), f"{INLINE}-{index}-user": str(user.pk),
                     f"{INLINE}-{index}-region": str(assignment.region_id), f"{INLINE}-{index}-role": assignment.role})
        if assignment.pk in delete:
            data[f"{INLINE}-{index}-DELETE"] = "on"
    for offset, (region, role) in enumerate(roles):
        index = len(existing) + offset
        data.update({f"{INLINE}-{index}-user": str(user.pk), f"{INLINE}-{index}-region": str(region.pk),
                     f"{INLINE}-{index}-role": role})
    return data


def _errors(response):
    errors = dict(response.context["adminform"].form.errors)
    for inline in response.context["inline_admin_formsets"]:
        errors["inline"] = [e for e in inline.formset.errors if e] + inline.formset.non_form_errors()
    return errors


def _roles(tenant, user):
    with tenant_context(tenant):
        return list(RoleAssignment.objects.filter(user=user).select_related("region").order_by("id"))


def test_tenant_admin_adds_role_inline_and_it_is_audited(users, tree_a, client_for):
    target, tenant = users["norole_a"], tree_a["tenant"]
    response = client_for(users["admin_a"]).post(
        f"/admin/governance/user/{target.pk}/change/",
        _user_form(target, roles=[(tree_a["community2"], Role.COMMUNITY_STAFF)]),
        HTTP_X_REQUEST_ID="inline-1",
    )
    assert response.status_code == 302, _errors(response)
    (assignment,) = _roles(tenant, target)
    assert (assignment.region_id, assignment.role, assignment.tenant_id) == (
        tree_a["community2"].pk, Role.COMMUNITY_STAFF, tenant.pk)
    with tenant_context(tenant):
        event = AuditEvent.objects.get(action="role.assign", object_id=str(assignment.pk))
    assert event.actor_id == users["admin_a"].pk and event.request_id == "inline-1"
    assert event.changes == {"user": "norole_a", "region": "430405002001", "role": "community_staff"}


def test_tenant_admin_removes_role_inline_and_it_is_audited(users, tree_a, client_for):
    target, tenant = users["street_a"], tree_a["tenant"]
    (assignment,) = _roles(tenant, target)
    response = client_for(users["admin_a"]).post(
        f"/admin/governance/user/{target.pk}/change/",
        _user_form(target, existing=[assignment], delete={assignment.pk}),
    )
    assert response.status_code == 302, _errors(response)
    assert _roles(tenant, target) == []
    with tenant_context(tenant):
        assert AuditEvent.objects.filter(action="role.revoke", object_id=str(assignment.pk),
                                         actor=users["admin_a"]).count() == 1


def test_tenant_admin_changes_role_inline(users, tree_a, client_for):
    target, tenant = users["street_a"], tree_a["tenant"]
    (assignment,) = _roles(tenant, target)
    assignment.region_id = tree_a["street2"].pk
    response = client_for(users["admin_a"]).post(f"/admin/governance/user/{target.pk}/change/",
                                                 _user_form(target, existing=[assignment]))
    assert response.status_code == 302, _errors(response)
    assert [(a.region_id, a.role) for a in _roles(tenant, target)] == [(tree_a["street2"].pk, Role.STREET_STAFF)]
    with tenant_context(tenant):
        actions = list(AuditEvent.objects.filter(actor=users["admin_a"]).order_by("id")
                       .values_list("action", flat=True))
    assert actions == ["role.revoke", "role.assign"]


def test_tenant_admin_cannot_assign_other_tenants_region(users, tree_a, tree_b, client_for):
    target = users["norole_a"]
    response = client_for(users["admin_a"]).post(
        f"/admin/governance/user/{target.pk}/change/",
        _user_form(target, roles=[(tree_b["street"], Role.STREET_STAFF)]),
    )
    assert response.status_code == 200
    assert _errors(response)["inline"]
    assert _roles(tree_a["tenant"], target) == []


def test_operator_adds_role_inline(operator, users, tree_a, client_for):
    target, tenant = users["norole_a"], tree_a["tenant"]
    response = client_for(operator).post(
        f"/admin/governance/user/{target.pk}/change/",
        _user_form(target, operator=True, roles=[(tree_a["grid2"], Role.GRID_WORKER)]),
    )
    assert response.status_code == 302, _errors(response)
    (assignment,) = _roles(tenant, target)
    assert assignment.tenant_id == tenant.pk and assignment.region_id == tree_a["grid2"].pk
    with tenant_context(tenant):
        assert AuditEvent.objects.get(action="role.assign", object_id=str(assignment.pk)).actor_id == operator.pk


def test_operator_cannot_pair_user_with_other_tenants_region(operator, users, tree_a, tree_b, client_for):
    client = client_for(operator)
    target = users["norole_a"]
    response = client.post(f"/admin/governance/user/{target.pk}/change/",
                           _user_form(target, operator=True, roles=[(tree_b["street"], Role.STREET_STAFF)]))
    assert response.status_code == 200
    assert _errors(response)["inline"]
    response = client.post("/admin/governance/roleassignment/add/", {
        "tenant": tree_a["tenant"].pk, "user": target.pk, "region": tree_b["street"].pk, "role": Role.STREET_STAFF,
    })
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    with all_tenants():
        assert not RoleAssignment.objects.filter(user=target).exists()


def test_tenant_admin_adds_user_in_own_tenant(users, tree_a, client_for):
    response = client_for(users["admin_a"]).post("/admin/governance/user/add/", {
        "username": "new_staff", "password1": PASSWORD, "password2": PASSWORD, "display_name": "新同事",
        "usable_password": "true",
        f"{INLINE}-TOTAL_FORMS": "0", f"{INLINE}-INITIAL_FORMS": "0",
        f"{INLINE}-MIN_NUM_FORMS": "0", f"{INLINE}-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302, _errors(response)
    user = User.objects.get(username="new_staff")
    assert user.tenant_id == tree_a["tenant"].pk and not user.is_superuser
    with tenant_context(tree_a["tenant"]):
        assert AuditEvent.objects.filter(action="user.admin_add", object_id=str(user.pk)).exists()


def test_tenant_admin_cannot_make_a_superuser(users, tree_a, client_for):
    target = users["street_a"]
    data = _user_form(target)
    data["is_superuser"] = "on"
    data["tenant"] = str(users["admin_b"].tenant_id)
    response = client_for(users["admin_a"]).post(f"/admin/governance/user/{target.pk}/change/", data)
    assert response.status_code == 302, _errors(response)
    target.refresh_from_db()
    assert not target.is_superuser and target.tenant_id == tree_a["tenant"].pk


@pytest.mark.parametrize("url", ["/admin/governance/tenant/", "/admin/django_celery_beat/periodictask/"])
def test_tenant_admin_cannot_open_operator_pages(users, client_for, url):
    assert client_for(users["admin_a"]).get(url).status_code in (403, 404)


def test_tenant_admin_audit_events_are_read_only(users, tree_a, client_for):
    with tenant_context(tree_a["tenant"]):
        event = AuditEvent.objects.first()
    client = client_for(users["admin_a"])
    assert client.get("/admin/governance/auditevent/add/").status_code == 403
    assert client.post(f"/admin/governance/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    page = client.get(f"/admin/governance/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


# --- adding tenant-owned rows -----------------------------------------------------------------


def test_tenant_admin_adds_region_placed_by_the_service(users, tree_a, client_for):
    client = client_for(users["admin_a"])
    street = tree_a["street"]
    response = client.post("/admin/governance/region/add/", {
        "parent": street.pk, "level": 5, "code": "430405001003", "name": " 幸福社区 "})
    assert response.status_code == 302, _errors(response)
    with tenant_context(tree_a["tenant"]):
        region = Region.objects.get(code="430405001003")
        event = AuditEvent.objects.get(action="region.admin_add", object_id=str(region.pk))
    assert (region.path, region.depth, region.name) == (street.path + "430405001003/", street.depth + 1, "幸福社区")
    assert event.actor_id == users["admin_a"].pk
    # The new node is inside the street user's jurisdiction at once.
    assert client_for(users["street_a"]).get(f"/regions/{region.pk}/").status_code == 200


@pytest.mark.parametrize("data", [
    {"level": 5, "code": "430405002009", "name": "错码社区"},  # code not under the parent
    {"level": 3, "code": "430499", "name": "高一级"},  # above the parent
    {"level": 5, "code": "430405001001", "name": "重复"},  # code taken
    {"level": 5, "code": "430405001009", "name": "   "},  # empty name
], ids=["code", "level", "duplicate", "name"])
def test_admin_region_add_shows_rule_errors(users, tree_a, client_for, data):
    response = client_for(users["admin_a"]).post("/admin/governance/region/add/",
                                                 {"parent": tree_a["street"].pk, **data})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    with tenant_context(tree_a["tenant"]):
        assert Region.objects.count() == 9
        assert not AuditEvent.objects.filter(action="region.admin_add").exists()


def test_admin_region_codes_are_read_only_on_change(users, tree_a, client_for):
    street = tree_a["street"]
    response = client_for(users["admin_a"]).post(f"/admin/governance/region/{street.pk}/change/", {
        "parent": tree_a["root"].pk, "level": 2, "code": "430499000000", "name": "广东路街道"})
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        street.refresh_from_db()
    assert (street.parent_id, street.level, street.code) == (tree_a["district"].pk, 4, "430405001000")


def test_operator_adds_region_and_role_for_a_tenant(operator, users, tree_a, client_for):
    client = client_for(operator)
    assert client.get("/admin/governance/region/add/").status_code == 200
    assert client.get("/admin/governance/roleassignment/add/").status_code == 200
    response = client.post("/admin/governance/region/add/", {
        "tenant": tree_a["tenant"].pk, "parent": tree_a["community2"].pk, "level": 6,
        "code": "430405002001002", "name": "第二网格"})
    assert response.status_code == 302, _errors(response)
    response = client.post("/admin/governance/roleassignment/add/", {
        "tenant": tree_a["tenant"].pk, "user": users["norole_a"].pk, "region": tree_a["community2"].pk,
        "role": Role.COMMUNITY_STAFF})
    assert response.status_code == 302, _errors(response)
    with tenant_context(tree_a["tenant"]):
        grid = Region.objects.get(code="430405002001002")
        assert grid.path == tree_a["community2"].path + "430405002001002/"
        assert RoleAssignment.objects.filter(user=users["norole_a"], region=tree_a["community2"]).exists()


def test_operator_add_refuses_rows_of_another_tenant(operator, tree_a, tree_b, client_for):
    response = client_for(operator).post("/admin/governance/region/add/", {
        "tenant": tree_b["tenant"].pk, "parent": tree_a["street"].pk, "level": 5,
        "code": "430405001009", "name": "串租户"})
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    with all_tenants():
        assert not Region.objects.filter(code="430405001009").exists()
