"""Organization services: registration, data changes, status, Party coverage, memberships."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from governance.exceptions import ApplicationError
from governance.models import AuditEvent, StatusChange
from governance.standards import make_uscc, uscc_check_char
from governance.tenancy import tenant_context
from orgs import services
from orgs.models import (
    Organization,
    OrganizationDomain,
    OrgKind,
    OrgMembership,
    OrgStatus,
    PartyCoverage,
    ServiceDomain,
)
from orgs.tests.factories import OrganizationFactory, audit_actions_since, audit_marker
from orgs.tests.services.support import Unchanged, bad_check_char, code, create_kwargs


def test_organization_create(a, tree_a, users):
    marker = audit_marker()
    org = services.organization_create(
        actor=users["street_a"], region=tree_a["community"], domains=["elderly", "health", "elderly"],
        **create_kwargs(uscc=code(1, "2").lower() + "  "),
    )
    assert org.uscc == code(1, "2")
    assert org.tenant_id == tree_a["tenant"].pk
    assert sorted(org.domains.values_list("domain", flat=True)) == ["elderly", "health"]
    assert audit_actions_since(marker) == ["organization.create"]
    event = AuditEvent.objects.get(action="organization.create")
    assert event.changes["domains"] == ["elderly", "health"]
    assert event.region_path == tree_a["community"].path


def test_organization_create_filed_group_without_code(a, tree_a, users):
    org = services.organization_create(
        actor=users["community_a"], region=tree_a["grid"], name="书画社", kind=OrgKind.COMMUNITY_GROUP,
        filing_number="430405001-2020-0007", legal_representative="赵六",
    )
    assert org.uscc is None and org.filing_number == "430405001-2020-0007"


@pytest.mark.parametrize("user", ["grid_a", "auditor_a", "org_a", "expert_a", "party_a", "norole_a"])
def test_organization_create_wrong_role(a, tree_a, users, user):
    with Unchanged(), pytest.raises(ApplicationError):
        services.organization_create(actor=users[user], region=tree_a["grid"], **create_kwargs())


def test_organization_create_out_of_jurisdiction(a, tree_a, users):
    with Unchanged(), pytest.raises(ApplicationError):
        services.organization_create(actor=users["street2_a"], region=tree_a["community"], **create_kwargs())
    with Unchanged(), pytest.raises(ApplicationError):
        services.organization_create(actor=users["community_a"], region=tree_a["community_other"],
                                     **create_kwargs())


def _with_check(first17: str) -> str:
    return first17 + uscc_check_char(first17)


@pytest.mark.parametrize(("uscc", "kind"), [
    pytest.param(code(2)[:17], OrgKind.ASSOCIATION, id="format-length"),
    pytest.param(code(2)[:10] + "IOZSV" + code(2)[15:], OrgKind.ASSOCIATION, id="format-characters"),
    pytest.param(_with_check("54430405TK0000020"), OrgKind.ASSOCIATION, id="authority-type"),
    pytest.param(make_uscc("9", "1", "430405", "TK000002"), OrgKind.ASSOCIATION, id="not-civil-affairs"),
    pytest.param(bad_check_char(code(2)), OrgKind.ASSOCIATION, id="check-character"),
    pytest.param(code(2, "2"), OrgKind.ASSOCIATION, id="kind-mismatch"),
    pytest.param("", OrgKind.FOUNDATION, id="missing"),
])
def test_organization_create_invalid_codes(a, tree_a, users, uscc, kind):
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.organization_create(actor=users["street_a"], region=tree_a["community"],
                                     **create_kwargs(uscc=uscc, kind=kind))
    assert "uscc" in info.value.message_dict


def test_organization_create_duplicate_code_across_tenants(tree_a, tree_b, users):
    with tenant_context(tree_b["tenant"]):
        services.organization_create(actor=users["street_b"], region=tree_b["community"], **create_kwargs())
    with tenant_context(tree_a["tenant"]), translation.override("en"):
        with Unchanged(), pytest.raises(ValidationError) as info:
            services.organization_create(actor=users["street_a"], region=tree_a["community"], **create_kwargs())
    assert info.value.message_dict == {"uscc": ["This credit code is already registered."]}


def test_organization_create_duplicate_code_same_tenant_and_filing_number(a, tree_a, users):
    services.organization_create(actor=users["street_a"], region=tree_a["community"], **create_kwargs())
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.organization_create(actor=users["admin_a"], region=tree_a["community2"], **create_kwargs())
    assert list(info.value.message_dict) == ["uscc"]
    group = {"kind": OrgKind.COMMUNITY_GROUP, "uscc": None, "filing_number": "F-1", "name": "甲"}
    services.organization_create(actor=users["street_a"], region=tree_a["community"], **create_kwargs(**group))
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.organization_create(actor=users["street_a"], region=tree_a["community"],
                                     **create_kwargs(**{**group, "name": "乙"}))
    assert list(info.value.message_dict) == ["filing_number"]


def test_organization_create_lost_race_is_a_validation_error(tree_a, tree_b, users):
    with tenant_context(tree_b["tenant"]):
        services.organization_create(actor=users["street_b"], region=tree_b["community"], **create_kwargs())
    with tenant_context(tree_a["tenant"]):
        # As if another request registered the code between our check and our insert.
        with mock.patch("orgs.services.organizations._organization_errors", return_value={}), Unchanged():
            with pytest.raises(ValidationError) as info:
                services.organization_create(actor=users["street_a"], region=tree_a["community"],
                                             **create_kwargs())
    assert list(info.value.message_dict) == ["uscc"]


@pytest.mark.parametrize(("overrides", "domains", "field"), [
    ({"funding_sources": ["lottery"]}, (), "funding_sources"),
    ({}, ["astrology"], "domains"),
    ({"name": ""}, (), "name"),
    ({"email": "not-an-email"}, (), "email"),
    ({"party_coverage": "own_branch"}, (), "party_coverage"),
])
def test_organization_create_field_errors(a, tree_a, users, overrides, domains, field):
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.organization_create(actor=users["street_a"], region=tree_a["community"], domains=domains,
                                     **create_kwargs(**overrides))
    assert field in info.value.message_dict


# --- organization_update / set_status / party coverage ---------------------------------------


def test_organization_update_audits_changed_fields_only(a, users, org):
    OrganizationDomain.objects.create(organization=org, domain=ServiceDomain.ELDERLY)
    marker = audit_marker()
    services.organization_update(actor=users["admin_a"], organization=org, name="建设社区老年人协会",
                                 legal_representative=org.legal_representative,
                                 domains=[ServiceDomain.ELDERLY, ServiceDomain.CULTURE_SPORTS])
    org.refresh_from_db()
    assert org.name == "建设社区老年人协会"
    assert audit_actions_since(marker) == ["organization.update"]
    changes = AuditEvent.objects.get(action="organization.update").changes
    assert set(changes) == {"name", "domains"}
    assert changes["domains"] == [["elderly"], ["culture_sports", "elderly"]]
    marker = audit_marker()
    services.organization_update(actor=users["admin_a"], organization=org, name="建设社区老年人协会")
    assert audit_actions_since(marker) == []


def test_organization_update_refusals(a, tree_a, users, org):
    with Unchanged(), pytest.raises(ApplicationError):
        services.organization_update(actor=users["street2_a"], organization=org, name="x")
    with Unchanged(), pytest.raises(ApplicationError):
        services.organization_update(actor=users["auditor_a"], organization=org, name="x")
    with Unchanged(), pytest.raises(ValidationError):
        services.organization_update(actor=users["street_a"], organization=org, status=OrgStatus.SUSPENDED)
    with Unchanged(), pytest.raises(ApplicationError):
        services.organization_update(actor=users["street_a"], organization=org, region=tree_a["community2"])
    old_code = org.uscc
    with Unchanged(), pytest.raises(ValidationError):
        services.organization_update(actor=users["admin_a"], organization=org, uscc=bad_check_char(old_code))
    assert org.uscc == old_code  # the in-memory instance is restored too


def test_key_data_of_a_registered_organization_is_the_registration_authoritys(a, tree_a, users, org):
    """Issue 7 item 11: the street and the community keep a registered association's contact data, but its
    registration data (name, code, legal representative, kind, region…) is changed by the authority only."""
    for actor in ("street_a", "community_a"):
        for change in ({"name": "新名称协会"}, {"legal_representative": "赵六"}, {"uscc": code(91)},
                       {"kind": OrgKind.FOUNDATION}, {"supervising_unit": "区教育局"},
                       *([{"region": tree_a["community_other"]}] if actor == "street_a" else [])):
            with Unchanged(), pytest.raises(ApplicationError) as info:
                services.organization_update(actor=users[actor], organization=org, **change)
            assert "登记管理机关" in str(info.value) or "registration authority" in str(info.value), change
    # Unchanged key data (as an edit form posts it) with a contact change is the street's to save.
    services.organization_update(actor=users["street_a"], organization=org, name=f" {org.name} ",
                                 uscc=org.uscc.lower(), legal_representative=org.legal_representative,
                                 established_date=org.established_date.isoformat(), region=org.region,
                                 contact_phone="0734-7654321")
    org.refresh_from_db()
    assert org.contact_phone == "0734-7654321"
    services.organization_update(actor=users["admin_a"], organization=org, name="新名称协会",
                                 legal_representative="赵六")
    org.refresh_from_db()
    assert (org.name, org.legal_representative) == ("新名称协会", "赵六")


def test_the_street_keeps_the_key_data_of_its_community_groups(a, tree_a, users):
    group = OrganizationFactory(region=tree_a["community"], kind=OrgKind.COMMUNITY_GROUP, uscc=None,
                                filing_number="衡社备〔2024〕00001号")
    services.organization_update(actor=users["community_a"], organization=group, name="建设社区合唱队",
                                 legal_representative="钱八")
    group.refresh_from_db()
    assert (group.name, group.legal_representative) == ("建设社区合唱队", "钱八")
    # Turning it into a registered organization is the authority's act, not the street's.
    with Unchanged(), pytest.raises(ApplicationError):
        services.organization_update(actor=users["street_a"], organization=group, kind=OrgKind.ASSOCIATION,
                                     uscc=code(92))


def test_organization_update_moves_region_within_jurisdiction(a, tree_a, users, org):
    services.organization_update(actor=users["admin_a"], organization=org, region=tree_a["community2"])
    org.refresh_from_db()
    assert org.region_id == tree_a["community2"].pk
    assert AuditEvent.objects.get(action="organization.update").changes == {
        "region": [tree_a["community"].pk, tree_a["community2"].pk]
    }


def test_organization_set_status(a, users, org):
    marker = audit_marker()
    services.organization_set_status(actor=users["admin_a"], organization=org, status=OrgStatus.SUSPENDED,
                                     note="责令停止活动")
    org.refresh_from_db()
    assert org.status == OrgStatus.SUSPENDED
    assert audit_actions_since(marker) == ["organization.suspended"]
    change = StatusChange.objects.get(workflow="organization")
    assert (change.from_status, change.to_status, change.note) == ("active", "suspended", "责令停止活动")


@pytest.mark.parametrize(("kind", "user", "allowed"), [
    # Registered organizations: the registration authority (民政局, tenant admin) only.
    (OrgKind.ASSOCIATION, "admin_a", True),
    (OrgKind.ASSOCIATION, "street_a", False),
    (OrgKind.FOUNDATION, "street_a", False),
    # Filed community groups: street staff of their street, and the tenant admin.
    (OrgKind.COMMUNITY_GROUP, "street_a", True),
    (OrgKind.COMMUNITY_GROUP, "admin_a", True),
    (OrgKind.COMMUNITY_GROUP, "street2_a", False),
    (OrgKind.COMMUNITY_GROUP, "community_a", False),
])
def test_organization_status_by_role(a, tree_a, users, kind, user, allowed):
    org = OrganizationFactory(region=tree_a["community"], kind=kind)
    if not allowed:
        with Unchanged(), pytest.raises(ApplicationError):
            services.organization_set_status(actor=users[user], organization=org, status=OrgStatus.REVOKED,
                                             note="违法")
        return
    services.organization_set_status(actor=users[user], organization=org, status=OrgStatus.REVOKED, note="违法")
    assert Organization.objects.get(pk=org.pk).status == OrgStatus.REVOKED
    assert list(StatusChange.objects.filter(workflow="organization", object_id=str(org.pk))
                .values_list("from_status", "to_status", "actor__username")) == [("active", "revoked", user)]
    with Unchanged(), pytest.raises(ApplicationError):  # revoked is final
        services.organization_set_status(actor=users[user], organization=org, status=OrgStatus.ACTIVE, note="x")


@pytest.mark.parametrize(("user", "status", "note", "error"), [
    ("community_a", OrgStatus.SUSPENDED, "x", ApplicationError),
    ("street2_a", OrgStatus.SUSPENDED, "x", ApplicationError),
    ("street_a", OrgStatus.SUSPENDED, "x", ApplicationError),  # a registered association: 民政局 only
    ("admin_a", OrgStatus.SUSPENDED, "  ", ValidationError),
    ("admin_a", OrgStatus.PENDING, "x", ValidationError),
    ("admin_a", "closed", "x", ValidationError),
    ("admin_a", OrgStatus.ACTIVE, "x", ApplicationError),
])
def test_organization_set_status_refusals(a, users, org, user, status, note, error):
    with Unchanged(), pytest.raises(error):
        services.organization_set_status(actor=users[user], organization=org, status=status, note=note)


def test_party_coverage(a, users, org):
    marker = audit_marker()
    services.organization_set_party_coverage(actor=users["party_a"], organization=org,
                                             coverage=PartyCoverage.JOINT_BRANCH)
    services.organization_set_party_coverage(actor=None, organization=org, coverage=PartyCoverage.JOINT_BRANCH)
    assert Organization.objects.get(pk=org.pk).party_coverage == PartyCoverage.JOINT_BRANCH
    assert audit_actions_since(marker) == ["organization.set_party_coverage"]
    with Unchanged(), pytest.raises(ValidationError):
        services.organization_set_party_coverage(actor=users["party_a"], organization=org, coverage="half")
    with Unchanged(), pytest.raises(ApplicationError):
        services.organization_set_party_coverage(actor=users["grid_a"], organization=org,
                                                 coverage=PartyCoverage.NONE)


# --- memberships -----------------------------------------------------------------------------


def test_membership_add(a, tree_a, users, org):
    from governance import services as core

    other = OrganizationFactory(region=tree_a["community"])
    marker = audit_marker()
    membership = services.membership_add(actor=users["community_a"], user=users["org_a"], organization=other)
    assert membership.organization == other
    assert services.membership_add(actor=users["community_a"], user=users["org_a"], organization=other) == membership
    assert audit_actions_since(marker) == ["membership.add"]
    with Unchanged(), pytest.raises(ApplicationError):
        services.membership_add(actor=users["community_a"], user=users["norole_a"], organization=other)
    with Unchanged(), pytest.raises(ApplicationError):
        services.membership_add(actor=users["community_a"], user=users["admin_b"], organization=other)
    with Unchanged(), pytest.raises(ApplicationError):
        services.membership_add(actor=users["street2_a"], user=users["org_a"], organization=other)
    core.role_assign(actor=None, user=users["norole_a"], region=tree_a["root"], role="org_user")
    services.membership_add(actor=users["admin_a"], user=users["norole_a"], organization=other)
    services.membership_remove(actor=users["admin_a"], membership=membership)
    assert not OrgMembership.objects.filter(pk=membership.pk).exists()
