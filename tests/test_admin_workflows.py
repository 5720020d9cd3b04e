"""The admin leaves workflows to their transitions and saves inlines through services (issue 6, item 5)."""

from django.contrib import admin
from django.test import RequestFactory

from governance.models import AuditEvent, StatusChange
from governance.tenancy import tenant_context
from governance.workflows import workflows_for
from orgs.models import Filing, Organization, OrgChangeRequest, OrgMembership
from orgs.tests.factories import MembershipFactory, OrganizationFactory


def _post_data(response) -> dict:
    """The change form as the browser would send it back unchanged (main form and every inline)."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({formset.management_form.add_prefix(name): value
                     for name, value in formset.management_form.initial.items()})
        forms += list(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                data[form.add_prefix(name)] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = str(value)
    return data


def test_every_workflow_status_is_read_only_in_its_admin(users, tree_a):
    request = RequestFactory().get("/admin/")
    request.user = users["admin_a"]
    checked = 0
    with tenant_context(tree_a["tenant"]):
        for model, model_admin in admin.site._registry.items():
            for workflow in workflows_for(model):
                assert workflow.field in model_admin.get_readonly_fields(request, None), model
                assert workflow.field in model_admin.get_readonly_fields(request, object()), model
                checked += 1
    # filing, annual report, organization, change request
    assert checked >= 4
    assert {Organization, Filing, OrgChangeRequest} <= {m for m in admin.site._registry if workflows_for(m)}


def test_posting_a_status_in_the_admin_changes_nothing(users, tree_a, client_for):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["street"])
    client = client_for(users["admin_a"])
    url = f"/admin/orgs/organization/{org.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "status" not in page.context["adminform"].form.fields
    data = _post_data(page)
    data["status"] = "revoked"
    data["contact_person"] = "新联系人"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    with tenant_context(tree_a["tenant"]):
        org.refresh_from_db()
        assert (org.status, org.contact_person) == ("active", "新联系人")
        assert not StatusChange.objects.filter(workflow="organization").exists()


def _add_member_inline(tree_a, users, client_for, member):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["street"])
    client = client_for(users["admin_a"])
    url = f"/admin/orgs/organization/{org.pk}/change/"
    data = _post_data(client.get(url))
    data.update({"memberships-TOTAL_FORMS": "1", "memberships-0-user": str(member.pk),
                 "memberships-0-organization": str(org.pk)})
    return client, url, org, client.post(url, data)


def test_membership_inline_adds_and_removes_through_the_service(users, tree_a, client_for):
    client, url, org, response = _add_member_inline(tree_a, users, client_for, users["org_a"])
    assert response.status_code == 302, response.context["inline_admin_formsets"][1].formset.errors
    with tenant_context(tree_a["tenant"]):
        membership = OrgMembership.objects.get(organization=org)
        assert membership.user_id == users["org_a"].pk
        assert list(AuditEvent.objects.filter(action__startswith="membership.").values_list("action", flat=True)) == [
            "membership.add"]
        assert not AuditEvent.objects.filter(action="orgmembership.admin_add").exists()

    data = _post_data(client.get(url))
    data["memberships-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        assert not OrgMembership.objects.filter(organization=org).exists()
        assert AuditEvent.objects.filter(action="membership.remove").count() == 1


def test_membership_inline_refuses_a_user_without_the_org_role(users, tree_a, client_for):
    client, url, org, response = _add_member_inline(tree_a, users, client_for, users["street_a"])
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.errors
    assert any("user" in form_errors for form_errors in errors)
    with tenant_context(tree_a["tenant"]):
        assert not OrgMembership.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="membership.").exists()


def test_membership_admin_delete_goes_through_the_service(users, tree_a, client_for):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["street"])
        membership = MembershipFactory(organization=org, user=users["org_a"])
    client = client_for(users["admin_a"])
    response = client.post(f"/admin/orgs/orgmembership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        assert not OrgMembership.objects.exists()
        assert AuditEvent.objects.filter(action="membership.remove").count() == 1


def test_admin_add_records_the_first_status_row(users, tree_a, client_for):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["street"])
    client = client_for(users["admin_a"])
    response = client.post("/admin/orgs/orgchangerequest/add/", {
        "organization": str(org.pk), "changes": '{"name": ["a", "b"]}', "requested_by": "", "decided_by": "",
        "decided_at_0": "", "decided_at_1": "", "decision_note": "",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    with tenant_context(tree_a["tenant"]):
        change_request = OrgChangeRequest.objects.get()
        assert list(StatusChange.objects.filter(workflow="change_request").values_list(
            "object_id", "from_status", "to_status")) == [(str(change_request.pk), "", "pending")]
        assert AuditEvent.objects.filter(action="change_request.pending").count() == 1
