"""Filing services (备案): submission and the community/street decisions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from governance.exceptions import ApplicationError
from governance.models import StatusChange
from orgs import selectors, services
from orgs.models import FilingStatus, Organization, OrgKind, OrgMembership, OrgStatus
from orgs.tests.factories import audit_actions_since, audit_marker
from orgs.tests.services.support import TODAY, Unchanged, code

FILING = {"name": "建设社区广场舞队", "legal_representative": "孙七", "contact_phone": "13800000000"}


def test_filing_submit_by_org_user(a, tree_a, users):
    marker = audit_marker()
    filing = services.filing_submit(actor=users["org_a"], region=tree_a["community"], domains=["culture_sports"],
                                    **FILING)
    org = filing.organization
    assert (filing.status, org.status, org.kind) == (FilingStatus.SUBMITTED, OrgStatus.PENDING,
                                                      OrgKind.COMMUNITY_GROUP)
    assert org.filing_number == "" and org.registered_date is None
    assert OrgMembership.objects.filter(user=users["org_a"], organization=org).exists()
    assert audit_actions_since(marker) == ["organization.create", "filing.submitted", "membership.add"]
    assert list(StatusChange.objects.filter(workflow="filing", object_id=str(filing.pk))
                .values_list("from_status", "to_status", "actor__username")) == [("", "submitted", "org_a")]
    assert selectors.filing_get_for_user(user=users["org_a"], pk=filing.pk) == filing


def test_filing_submit_by_staff_and_refusals(a, tree_a, users):
    marker = audit_marker()
    filing = services.filing_submit(actor=users["community_a"], region=tree_a["community"], **FILING)
    assert audit_actions_since(marker) == ["organization.create", "filing.submitted"]
    assert not OrgMembership.objects.filter(organization=filing.organization).exists()
    with Unchanged(), pytest.raises(ApplicationError):  # double submission
        services.filing_submit(actor=users["community_a"], region=tree_a["community"], **FILING)
    other = {**FILING, "name": "另一个队"}
    with Unchanged(), pytest.raises(ApplicationError):
        services.filing_submit(actor=users["grid_a"], region=tree_a["grid"], **other)
    with Unchanged(), pytest.raises(ApplicationError):
        services.filing_submit(actor=users["community_a"], region=tree_a["community2"], **other)
    with Unchanged(), pytest.raises(ValidationError):
        services.filing_submit(actor=users["community_a"], region=tree_a["community"], kind="foundation", **other)
    with Unchanged(), pytest.raises(ValidationError):
        services.filing_submit(actor=users["community_a"], region=tree_a["community"],
                               **{**other, "uscc": code(5, "1")})  # a group's code has type 9


def test_filing_workflow_to_filed(a, tree_a, users):
    filing = services.filing_submit(actor=users["org_a"], region=tree_a["grid"], **FILING)
    marker = audit_marker()
    with Unchanged(), pytest.raises(ApplicationError):  # the street cannot skip the community
        services.filing_transition(actor=users["street_a"], filing=filing, to=FilingStatus.FILED)
    with Unchanged(), pytest.raises(ApplicationError):  # another community's street
        services.filing_transition(actor=users["street2_a"], filing=filing, to=FilingStatus.COMMUNITY_APPROVED)
    services.filing_transition(actor=users["community_a"], filing=filing, to=FilingStatus.COMMUNITY_APPROVED)
    assert audit_actions_since(marker) == ["filing.community_approved"]
    with Unchanged(), pytest.raises(ApplicationError):  # the community cannot take the street's step
        services.filing_transition(actor=users["community_a"], filing=filing, to=FilingStatus.FILED)
    marker = audit_marker()
    services.filing_transition(actor=users["street_a"], filing=filing, to=FilingStatus.FILED)
    assert audit_actions_since(marker) == ["filing.filed", "organization.active"]
    filing.refresh_from_db()
    org = Organization.objects.get(pk=filing.organization_id)
    assert filing.status == FilingStatus.FILED and filing.decided_at is not None
    assert org.status == OrgStatus.ACTIVE and org.registered_date == TODAY
    assert org.filing_number == f"衡社备〔{TODAY.year}〕00001号"  # the tenant's default format
    assert list(StatusChange.objects.filter(object_id=str(filing.pk), workflow="filing")
                .values_list("to_status", flat=True)) == ["submitted", "community_approved", "filed"]
    with Unchanged(), pytest.raises(ApplicationError):
        services.filing_transition(actor=users["street_a"], filing=filing, to=FilingStatus.REJECTED, note="x")
    # The next filing in the same street gets the next number.
    second = services.filing_submit(actor=users["community_a"], region=tree_a["community"],
                                    **{**FILING, "name": "第二个队"})
    services.filing_transition(actor=users["admin_a"], filing=second, to=FilingStatus.COMMUNITY_APPROVED)
    services.filing_transition(actor=users["admin_a"], filing=second, to=FilingStatus.FILED)
    assert Organization.objects.get(pk=second.organization_id).filing_number == f"衡社备〔{TODAY.year}〕00002号"


def test_filing_rejection_needs_a_note(a, tree_a, users):
    filing = services.filing_submit(actor=users["community_a"], region=tree_a["community"], **FILING)
    with Unchanged(), pytest.raises(ApplicationError):
        services.filing_transition(actor=users["community_a"], filing=filing, to=FilingStatus.REJECTED, note=" ")
    marker = audit_marker()
    services.filing_transition(actor=users["community_a"], filing=filing, to=FilingStatus.REJECTED,
                               note="活动场所不明确")
    assert audit_actions_since(marker) == ["filing.rejected", "organization.rejected"]
    filing.refresh_from_db()
    assert filing.rejection_reason == "活动场所不明确" and filing.decided_at is not None
    assert Organization.objects.get(pk=filing.organization_id).status == OrgStatus.REJECTED
