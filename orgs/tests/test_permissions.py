"""The permission predicates, role by role, in and out of jurisdiction, across tenants."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from governance.tenancy import tenant_context
from orgs import permissions as p
from orgs.models import ChangeRequestStatus, OrgChangeRequest, OrgKind, ReportStatus
from orgs.tests.factories import (
    AnnualReportFactory,
    FilingFactory,
    MembershipFactory,
    OrganizationFactory,
)

ALL_USERS = ["admin_a", "street_a", "street2_a", "community_a", "grid_a", "expert_a", "org_a", "party_a",
             "auditor_a", "norole_a", "admin_b", "street_b"]


@pytest.fixture
def world(tree_a, users):
    """An organization in 建设社区 (under street_a), one in a grid, a member for the first."""
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
        grid_org = OrganizationFactory(region=tree_a["grid"])
        MembershipFactory(organization=org, user=users["org_a"])
        filing = FilingFactory(region=tree_a["community"])
        report = AnnualReportFactory(organization=org)
        change_request = OrgChangeRequest.objects.create(organization=org, changes={"name": ["a", "b"]},
                                                         status=ChangeRequestStatus.PENDING)
    return {"org": org, "grid_org": grid_org, "filing": filing, "report": report, "cr": change_request}


def allowed(tree_a, users, predicate, obj=None, with_obj=True) -> set[str]:
    with tenant_context(tree_a["tenant"]):
        return {name for name in ALL_USERS
                if (predicate(users[name], obj) if with_obj else predicate(users[name]))}


def test_view_org(tree_a, users, world):
    assert allowed(tree_a, users, p.can_view_org, world["org"]) == {
        "admin_a", "street_a", "community_a", "party_a", "auditor_a", "org_a",
    }
    # The grid worker sees only what lies in their grid.
    assert "grid_a" in allowed(tree_a, users, p.can_view_org, world["grid_org"])
    assert "org_a" not in allowed(tree_a, users, p.can_view_org, world["grid_org"])


def test_create_and_import(tree_a, users):
    expected = {"admin_a", "street_a", "street2_a", "community_a"}
    assert allowed(tree_a, users, p.can_create_org, with_obj=False) == expected
    assert allowed(tree_a, users, p.can_import_orgs, with_obj=False) == expected


def test_edit_and_status(tree_a, users, world):
    assert allowed(tree_a, users, p.can_edit_org, world["org"]) == {"admin_a", "street_a", "community_a"}
    # A registered association: only the registration authority (民政局, tenant admin), issue 7 item 11.
    assert allowed(tree_a, users, p.can_change_org_status, world["org"]) == {"admin_a"}
    assert allowed(tree_a, users, p.can_award_grade, world["org"]) == {"admin_a", "street_a"}
    assert allowed(tree_a, users, p.can_manage_credit, world["org"]) == {"admin_a", "street_a"}
    assert allowed(tree_a, users, p.can_set_party_coverage, world["org"]) == {
        "admin_a", "street_a", "community_a", "party_a",
    }


def test_filing_steps(tree_a, users, world):
    assert allowed(tree_a, users, p.can_submit_filing, with_obj=False) == {
        "admin_a", "street_a", "street2_a", "community_a", "org_a",
    }
    assert allowed(tree_a, users, p.can_review_filing_as_community, world["filing"]) == {"admin_a", "community_a"}
    assert allowed(tree_a, users, p.can_approve_filing_as_street, world["filing"]) == {"admin_a", "street_a"}


def test_campaign_and_reports(tree_a, users, world):
    report = world["report"]
    assert allowed(tree_a, users, p.can_open_campaign, with_obj=False) == {"admin_a", "street_a", "street2_a"}
    assert allowed(tree_a, users, p.can_edit_report, report) == {"admin_a", "street_a", "community_a", "org_a"}
    assert allowed(tree_a, users, p.can_review_report, report) == {"admin_a", "street_a", "community_a"}
    report.status = ReportStatus.RETURNED
    assert "org_a" in allowed(tree_a, users, p.can_edit_report, report)
    for status in (ReportStatus.SUBMITTED, ReportStatus.REVIEWED):
        report.status = status
        assert allowed(tree_a, users, p.can_edit_report, report) == set()


def test_change_requests(tree_a, users, world):
    # Key data of a registered association: the registration authority only (issue 7 item 11).
    assert allowed(tree_a, users, p.can_decide_change_request, world["cr"]) == {"admin_a"}
    assert allowed(tree_a, users, p.can_change_key_data, world["org"]) == {"admin_a"}
    # A filed community group: the staff of its street and community, as before.
    with tenant_context(tree_a["tenant"]):
        group = OrganizationFactory(region=tree_a["community"], kind=OrgKind.COMMUNITY_GROUP, uscc=None,
                                    filing_number="衡社备〔2024〕00001号")
        change_request = OrgChangeRequest.objects.create(organization=group, changes={"name": ["a", "b"]})
    assert allowed(tree_a, users, p.can_decide_change_request, change_request) == {
        "admin_a", "street_a", "community_a",
    }
    assert allowed(tree_a, users, p.can_change_key_data, group) == {"admin_a", "street_a", "community_a"}
    assert allowed(tree_a, users, p.can_change_org_status, group) == {"admin_a", "street_a"}


def test_is_org_user_and_membership(tree_a, users, world):
    assert allowed(tree_a, users, p.is_org_user, with_obj=False) == {"org_a"}
    with tenant_context(tree_a["tenant"]):
        assert p.is_member(users["org_a"], world["org"])
        assert not p.is_member(users["org_a"], world["grid_org"])
        # Membership alone is not enough: the user must hold the org_user role.
        MembershipFactory(organization=world["grid_org"], user=users["norole_a"])
        assert not p.is_member(users["norole_a"], world["grid_org"])


def test_anonymous_and_missing_objects(tree_a, world):
    anonymous = AnonymousUser()
    with tenant_context(tree_a["tenant"]):
        assert not p.can_view_org(anonymous, world["org"])
        assert not p.can_create_org(anonymous)
        assert not p.can_edit_org(anonymous, world["org"])
        assert not p.can_submit_filing(anonymous)
        assert not p.can_edit_report(anonymous, world["report"])
        assert not p.can_view_org(None, world["org"])


def test_other_tenant_users_have_no_rights_in_tenant_a(tree_a, tree_b, users, world):
    with tenant_context(tree_b["tenant"]):
        # Even inside their own tenant's scope, tenant B's admin holds nothing over tenant A's rows.
        assert not p.can_view_org(users["admin_b"], world["org"])
        assert not p.can_edit_org(users["admin_b"], world["org"])
        assert not p.can_manage_credit(users["admin_b"], world["org"])
