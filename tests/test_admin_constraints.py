"""A duplicate saved through the admin is a form error, never a 500: the admin form leaves ``tenant`` out, so
without help Django would skip every constraint naming it and the database would refuse the row."""

from __future__ import annotations

from governance.tenancy import tenant_context
from projects.models import Expert
from projects.tests.factories import ExpertFactory


def test_admin_refuses_a_duplicate_expert_with_a_message(client_for, users, tree_a):
    with tenant_context(tree_a["tenant"]):
        ExpertFactory(region=tree_a["street"], name="周敏", phone="13807340000")
        other = ExpertFactory(region=tree_a["street"], name="吴刚", phone="13807340000")
    client = client_for(users["admin_a"])
    page = client.get(f"/admin/projects/expert/{other.pk}/change/")
    assert page.status_code == 200
    form = {"region": tree_a["street"].pk, "name": "周敏", "title": "", "affiliation": "", "fields": "[]",
            "phone": "13807340000", "email": "", "available": "on", "note": "",
            "relations-TOTAL_FORMS": "0", "relations-INITIAL_FORMS": "0", "relations-MIN_NUM_FORMS": "0",
            "relations-MAX_NUM_FORMS": "1000"}
    response = client.post(f"/admin/projects/expert/{other.pk}/change/", form)
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    assert "专家库区域，名称 和 电话 的 评审专家 已经存在" in body and "Tenant" not in body
    with tenant_context(tree_a["tenant"]):
        assert Expert.objects.get(pk=other.pk).name == "吴刚"


def _registered_admins(rf, user):
    """(request as ``user``, every registered (model, model admin))."""
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = user
    return request, list(admin.site._registry.items())


def test_every_tenant_admin_form_validates_the_constraints_naming_tenant(rf, users, tree_a):
    from governance.admin_base import TenantAwareAdmin

    request, admins = _registered_admins(rf, users["admin_a"])
    checked = 0
    with tenant_context(tree_a["tenant"]):
        for model, model_admin in admins:
            if not isinstance(model_admin, TenantAwareAdmin):
                continue
            form = model_admin.get_form(request)(data={}, instance=model(tenant=tree_a["tenant"]))
            form.full_clean()
            assert "tenant" not in form._get_validation_exclusions(), model
            checked += 1
    assert checked >= 30


def test_an_inline_duplicate_is_a_form_error(client_for, users, tree_a):
    """Two identical role rows in the user admin's inline (unique tenant, user, region, role): the formset says
    so, nothing is saved, no 500."""
    from governance.models import RoleAssignment

    target = users["norole_a"]
    client = client_for(users["admin_a"])
    page = client.get(f"/admin/governance/user/{target.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()
            if name not in ("password", "groups", "user_permissions", "last_login", "date_joined")}
    data.update({"tenant": tree_a["tenant"].pk, "is_active": "on", "date_joined_0": "2026-01-01",
                 "date_joined_1": "00:00:00"})
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data.update({f"{prefix}-TOTAL_FORMS": "2", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
                 f"{prefix}-MAX_NUM_FORMS": "1000"})
    for i in range(2):
        data.update({f"{prefix}-{i}-region": tree_a["street"].pk, f"{prefix}-{i}-role": "street_staff",
                     f"{prefix}-{i}-user": target.pk})
    response = client.post(f"/admin/governance/user/{target.pk}/change/", data)
    assert response.status_code == 200, response.status_code
    errors = str(response.context["inline_admin_formsets"][0].formset.non_form_errors())
    assert errors, response.context["adminform"].form.errors
    with tenant_context(tree_a["tenant"]):
        assert not RoleAssignment.objects.filter(user=target).exists()


def test_every_tenant_owned_inline_validates_the_constraints_naming_tenant(rf, users, tree_a):
    from governance.tenancy import TenantOwnedModel

    request, admins = _registered_admins(rf, users["admin_a"])
    checked = 0
    with tenant_context(tree_a["tenant"]):
        for model, model_admin in admins:
            parent = model.objects.first() if hasattr(model, "objects") else None
            for inline in model_admin.get_inline_instances(request, parent):
                if parent is None or not issubclass(inline.model, TenantOwnedModel):
                    continue
                formset = inline.get_formset(request, parent)(instance=parent)
                for form in formset.forms + [formset.empty_form]:
                    if form.instance.tenant_id is None:
                        continue
                    form._errors, form.cleaned_data = {}, {}              # unbound: nothing failed validation
                    assert "tenant" not in form._get_validation_exclusions(), inline
                    checked += 1
    assert checked >= 1
