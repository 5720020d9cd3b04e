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


def test_every_tenant_admin_form_validates_the_constraints_naming_tenant(rf, users, tree_a):
    from django.contrib import admin

    from governance.admin_base import TenantAwareAdmin

    request = rf.get("/admin/")
    request.user = users["admin_a"]
    checked = 0
    with tenant_context(tree_a["tenant"]):
        for model, model_admin in admin.site._registry.items():
            if not isinstance(model_admin, TenantAwareAdmin):
                continue
            form = model_admin.get_form(request)(data={}, instance=model(tenant=tree_a["tenant"]))
            form.full_clean()
            assert "tenant" not in form._get_validation_exclusions(), model
            checked += 1
    assert checked >= 30
