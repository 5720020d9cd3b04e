"""Every status goes through governance.workflows (issue 6, item 5), seen through HTTP as a user would."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.models import AuditEvent, StatusChange
from governance.tenancy import tenant_context
from orgs import services
from orgs.models import ChangeRequestStatus, Filing, Organization, OrgKind, OrgStatus
from orgs.tests.factories import MembershipFactory, OrganizationFactory
from orgs.tests.views.support import EN, filing_data


def _rows(tree, workflow, obj):
    with tenant_context(tree["tenant"]):
        return list(StatusChange.objects.filter(workflow=workflow, object_id=str(obj.pk))
                    .order_by("id").values_list("from_status", "to_status"))


def test_a_submitted_filing_starts_with_its_first_row(tree_a, users, client_for):
    response = client_for(users["community_a"]).post(reverse("orgs:filing-create"), filing_data(tree_a))
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        filing = Filing.objects.get()
        assert AuditEvent.objects.filter(action="filing.submitted", object_id=str(filing.pk)).count() == 1
    assert _rows(tree_a, "filing", filing) == [("", "submitted")]


@pytest.mark.parametrize(("kind", "user", "allowed"), [
    (OrgKind.ASSOCIATION, "street_a", False),  # registered: the registration authority (民政局) decides
    (OrgKind.SERVICE_INSTITUTION, "street_a", False),
    (OrgKind.ASSOCIATION, "admin_a", True),
    (OrgKind.COMMUNITY_GROUP, "street_a", True),  # filed community groups stay with their street
    (OrgKind.COMMUNITY_GROUP, "street2_a", False),
    (OrgKind.COMMUNITY_GROUP, "community_a", False),
])
def test_deregistration_by_role(tree_a, users, client_for, kind, user, allowed):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"], kind=kind)
    url = reverse("orgs:status", args=[org.pk])
    response = client_for(users[user]).post(url, {"status": "deregistered", "note": "自行注销"})
    assert response.status_code == (302 if allowed else 404)
    with tenant_context(tree_a["tenant"]):
        status = Organization.objects.get(pk=org.pk).status
    assert status == (OrgStatus.DEREGISTERED if allowed else OrgStatus.ACTIVE)
    assert _rows(tree_a, "organization", org) == ([("active", "deregistered")] if allowed else [])


def test_status_page_confirms_the_irreversible_steps(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"], kind=OrgKind.COMMUNITY_GROUP,
                                  filing_number="X-1", uscc=None)
    page = client_for(users["street_a"]).get(reverse("orgs:status", args=[org.pk])).content.decode()
    assert "data-confirm" in page


def test_change_request_rows_and_history_tab(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"], name="建设社区为老服务中心")
        MembershipFactory(organization=org, user=users["org_a"])
        change_request = services.portal_update(actor=users["org_a"], organization=org, legal_representative="赵六")[1]
    assert _rows(tree_a, "change_request", change_request) == [("", "pending")]
    client = client_for(users["admin_a"])
    response = client.post(reverse("orgs:change-request-decide", args=[change_request.pk]), {"decision": "approve"})
    assert response.status_code == 302
    assert _rows(tree_a, "change_request", change_request) == [("", "pending"), ("pending", "approved")]
    with tenant_context(tree_a["tenant"]):
        change_request.refresh_from_db()
        assert change_request.status == ChangeRequestStatus.APPROVED
        assert change_request.decided_by_id == users["admin_a"].pk
        assert Organization.objects.get(pk=org.pk).legal_representative == "赵六"
    page = client.get(reverse("orgs:detail", args=[org.pk]), {"tab": "history"}, **EN).content.decode()
    assert "Change request" in page and "Approved" in page


def test_service_errors_put_a_refusal_on_the_form_and_change_nothing(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"], status=OrgStatus.REVOKED)
        events = AuditEvent.objects.count()
    response = client_for(users["admin_a"]).post(reverse("orgs:status", args=[org.pk]),
                                                 {"status": "active", "note": "恢复"}, **EN)
    assert response.status_code == 200
    assert "This step is not possible" in str(response.context["form"].non_field_errors())
    with tenant_context(tree_a["tenant"]):
        assert Organization.objects.get(pk=org.pk).status == OrgStatus.REVOKED
        assert AuditEvent.objects.count() == events
    assert _rows(tree_a, "organization", org) == []


def test_service_errors_without_a_form_become_a_message(rf):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.core.exceptions import ValidationError

    from governance.exceptions import ApplicationError
    from governance.web import service_errors

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    with service_errors(request) as outcome:
        raise ValidationError({"note": ["请填写原因。"]})
    assert not outcome.ok
    with service_errors(request) as second:
        pass
    assert second.ok
    with pytest.raises(KeyError), service_errors(request):  # not a service error: propagates
        raise KeyError("bug")
    with service_errors(request):
        raise ApplicationError("不允许。")
    assert [str(m) for m in get_messages(request)] == ["请填写原因。", "不允许。"]


def test_filing_approval_asks_for_confirmation(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        filing = services.filing_submit(actor=users["community_a"], region=tree_a["community"],
                                        **{k: v for k, v in filing_data(tree_a).items()
                                           if k in services.FILING_FIELDS})
        services.filing_transition(actor=users["community_a"], filing=filing, to="community_approved")
    page = client_for(users["street_a"]).get(reverse("orgs:filing-detail", args=[filing.pk]), **EN).content.decode()
    assert "Approve this filing? The organization becomes active" in page
    assert "Reject this filing application?" in page
