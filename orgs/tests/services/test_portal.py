"""Portal services: direct updates, change requests (变更申请) and their decision."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from governance.exceptions import ApplicationError
from governance.models import StatusChange
from governance.tenancy import tenant_context
from orgs import services
from orgs.models import ChangeRequestStatus, Organization, OrgChangeRequest, OrgKind
from orgs.permissions import forget_memberships
from orgs.tests.factories import MembershipFactory, OrganizationFactory, audit_actions_since, audit_marker
from orgs.tests.services.support import Unchanged, bad_check_char, code


def test_portal_update_direct_and_key_fields(a, users, org):
    old_name = org.name
    marker = audit_marker()
    organization, change_request = services.portal_update(
        actor=users["org_a"], organization=org, contact_phone="0734-7654321", volunteers=40,
        domains=["elderly"], name="建设社区老年人协会", legal_representative=org.legal_representative,
    )
    org.refresh_from_db()
    assert (org.contact_phone, org.volunteers, org.name) == ("0734-7654321", 40, old_name)
    assert list(org.domains.values_list("domain", flat=True)) == ["elderly"]
    assert change_request.status == ChangeRequestStatus.PENDING
    assert change_request.changes == {"name": [old_name, "建设社区老年人协会"]}
    assert audit_actions_since(marker) == ["organization.portal_update", "change_request.pending"]
    # A second request while one is pending joins it.
    marker = audit_marker()
    _org, same = services.portal_update(actor=users["org_a"], organization=org,
                                        established_date="2017-12-01")
    assert same.pk == change_request.pk
    assert same.changes["established_date"] == ["2018-01-15", "2017-12-01"]
    assert audit_actions_since(marker) == ["change_request.update"]
    # Nothing to request: no change request is returned.
    _org, none = services.portal_update(actor=users["org_a"], organization=org, name=old_name)
    assert none is None


def test_portal_update_refusals(a, tree_a, users, org):
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.portal_update(actor=users["org_a"], organization=org, status="deregistered", kind="foundation")
    assert set(info.value.message_dict) == {"status", "kind"}
    with Unchanged(), pytest.raises(ValidationError):
        services.portal_update(actor=users["org_a"], organization=org, contact_phone="1",
                               uscc=bad_check_char(org.uscc))
    with Unchanged(), pytest.raises(ValidationError):
        services.portal_update(actor=users["org_a"], organization=org, established_date="yesterday")
    with Unchanged(), pytest.raises(ValidationError):
        services.portal_update(actor=users["org_a"], organization=org, volunteers=-3)
    stranger = OrganizationFactory(region=tree_a["community"])
    with Unchanged(), pytest.raises(ApplicationError):
        services.portal_update(actor=users["org_a"], organization=stranger, contact_phone="1")
    with Unchanged(), pytest.raises(ApplicationError):  # staff use organization_update
        services.portal_update(actor=users["street_a"], organization=org, contact_phone="1")


def test_change_request_approve(a, users, org):
    new_code = code(77)
    _org, change_request = services.portal_update(actor=users["org_a"], organization=org, name="新名称",
                                                  uscc=new_code.lower(), established_date="2017-12-01")
    with Unchanged(), pytest.raises(ApplicationError):
        services.change_request_decide(actor=users["street2_a"], change_request=change_request, approve=True)
    with Unchanged(), pytest.raises(ApplicationError):
        services.change_request_decide(actor=users["org_a"], change_request=change_request, approve=True)
    # The organization is a registered association: its street and community may not decide (issue 7 item 11).
    for name in ("street_a", "community_a"):
        with Unchanged(), pytest.raises(ApplicationError):
            services.change_request_decide(actor=users[name], change_request=change_request, approve=True)
    marker = audit_marker()
    services.change_request_decide(actor=users["admin_a"], change_request=change_request, approve=True)
    assert audit_actions_since(marker) == ["change_request.approved", "organization.update"]
    org.refresh_from_db()
    assert (org.name, org.uscc, org.established_date) == ("新名称", new_code, datetime.date(2017, 12, 1))
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequestStatus.APPROVED and change_request.decided_by == users["admin_a"]
    with Unchanged(), pytest.raises(ApplicationError):
        services.change_request_decide(actor=users["admin_a"], change_request=change_request, approve=False,
                                       note="x")


def test_change_request_of_a_community_group_is_decided_by_its_street(a, tree_a, users):
    group = OrganizationFactory(region=tree_a["community"], kind=OrgKind.COMMUNITY_GROUP, uscc=None,
                                filing_number="衡社备〔2024〕00007号")
    MembershipFactory(organization=group, user=users["org_a"])
    forget_memberships(users["org_a"])
    _group, change_request = services.portal_update(actor=users["org_a"], organization=group,
                                                    legal_representative="钱八")
    with Unchanged(), pytest.raises(ApplicationError):
        services.change_request_decide(actor=users["street2_a"], change_request=change_request, approve=True)
    services.change_request_decide(actor=users["street_a"], change_request=change_request, approve=True)
    group.refresh_from_db()
    assert group.legal_representative == "钱八"


def test_change_request_reject_and_revalidation(tree_a, tree_b, users, org):
    with tenant_context(tree_a["tenant"]):
        _org, change_request = services.portal_update(actor=users["org_a"], organization=org, uscc=code(78))
    # Meanwhile another tenant registers that code: approving must re-validate and refuse.
    with tenant_context(tree_b["tenant"]):
        OrganizationFactory(region=tree_b["community"], uscc=code(78))
    with tenant_context(tree_a["tenant"]):
        with Unchanged(), pytest.raises(ValidationError) as info:
            services.change_request_decide(actor=users["admin_a"], change_request=change_request, approve=True)
        assert list(info.value.message_dict) == ["uscc"]
        assert OrgChangeRequest.objects.get(pk=change_request.pk).status == ChangeRequestStatus.PENDING
        with Unchanged(), pytest.raises(ValidationError):
            services.change_request_decide(actor=users["admin_a"], change_request=change_request, approve=False)
        marker = audit_marker()
        services.change_request_decide(actor=users["admin_a"], change_request=change_request, approve=False,
                                       note="代码已被占用")
        assert audit_actions_since(marker) == ["change_request.rejected"]
        assert list(StatusChange.objects.filter(workflow="change_request", object_id=str(change_request.pk))
                    .values_list("from_status", "to_status", "note")) == [
            ("", "pending", ""), ("pending", "rejected", "代码已被占用")]
        assert OrgChangeRequest.objects.get(pk=change_request.pk).status == ChangeRequestStatus.REJECTED
        assert Organization.objects.get(pk=org.pk).uscc == org.uscc
