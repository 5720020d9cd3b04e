"""Services: happy paths and refusals. A refusal changes nothing and writes no audit event; a success
writes exactly the expected audit events. The credit rules are replayed over a sequence of dates."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from governance.exceptions import ApplicationError
from governance.models import AuditEvent, StatusChange
from governance.standards import make_uscc, uscc_check_char
from governance.tenancy import tenant_context
from orgs import selectors, services
from orgs.models import (
    AnnualReport,
    ChangeRequestStatus,
    Conclusion,
    CreditList,
    CreditReason,
    CreditRecord,
    CreditSource,
    EvaluationGrade,
    Filing,
    FilingStatus,
    GradeBand,
    GradeStatus,
    InspectionCampaign,
    Organization,
    OrganizationDomain,
    OrgChangeRequest,
    OrgKind,
    OrgMembership,
    OrgStatus,
    PartyCoverage,
    ReportAttachment,
    ReportStatus,
    ServiceDomain,
)
from orgs.tests.factories import (
    AnnualReportFactory,
    CreditRecordFactory,
    EvaluationGradeFactory,
    MembershipFactory,
    OrganizationFactory,
    audit_actions_since,
    audit_marker,
)

TODAY = timezone.localdate()


def code(n: int, type_char: str = "1", division: str = "430405") -> str:
    return make_uscc("5", type_char, division, "TK%06d" % n)


def org_rows() -> list[dict]:
    return list(Organization.unscoped.order_by("id").values())


@pytest.fixture
def a(tree_a):
    with tenant_context(tree_a["tenant"]) as tenant:
        yield tenant


@pytest.fixture
def org(tree_a, users):
    """An active association in 建设社区 (street_a, community_a), org_a is its member."""
    with tenant_context(tree_a["tenant"]):
        organization = OrganizationFactory(region=tree_a["community"], name="建设社区老年协会")
        MembershipFactory(organization=organization, user=users["org_a"])
    return organization


class Unchanged:
    """``with Unchanged(): ...`` asserts that the block wrote no audit event and changed no organization."""

    def __enter__(self):
        self.marker = audit_marker()
        self.orgs = org_rows()
        self.counts = {m: m.unscoped.count() for m in (CreditRecord, AnnualReport, Filing, EvaluationGrade,
                                                        OrgChangeRequest, OrgMembership, OrganizationDomain,
                                                        StatusChange, InspectionCampaign, GradeBand)}
        return self

    def __exit__(self, *exc):
        assert audit_actions_since(self.marker) == []
        assert org_rows() == self.orgs
        assert {m: m.unscoped.count() for m in self.counts} == self.counts
        return False


def create_kwargs(**overrides):
    values = {"name": "珠晖区社会工作服务中心", "kind": OrgKind.SERVICE_INSTITUTION, "uscc": code(1, "2"),
              "legal_representative": "王五", "registered_date": datetime.date(2019, 4, 1),
              "funding_sources": ["government", "donations"]}
    values.update(overrides)
    return values


# --- organization_create ---------------------------------------------------------------------


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


def _bad_check_char(value: str) -> str:
    wrong = "0" if value[-1] != "0" else "1"
    return value[:-1] + wrong


def _with_check(first17: str) -> str:
    return first17 + uscc_check_char(first17)


@pytest.mark.parametrize(("uscc", "kind"), [
    pytest.param(code(2)[:17], OrgKind.ASSOCIATION, id="format-length"),
    pytest.param(code(2)[:10] + "IOZSV" + code(2)[15:], OrgKind.ASSOCIATION, id="format-characters"),
    pytest.param(_with_check("54430405TK0000020"), OrgKind.ASSOCIATION, id="authority-type"),
    pytest.param(make_uscc("9", "1", "430405", "TK000002"), OrgKind.ASSOCIATION, id="not-civil-affairs"),
    pytest.param(_bad_check_char(code(2)), OrgKind.ASSOCIATION, id="check-character"),
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
    services.organization_update(actor=users["community_a"], organization=org, name="建设社区老年人协会",
                                 legal_representative=org.legal_representative,
                                 domains=[ServiceDomain.ELDERLY, ServiceDomain.CULTURE_SPORTS])
    org.refresh_from_db()
    assert org.name == "建设社区老年人协会"
    assert audit_actions_since(marker) == ["organization.update"]
    changes = AuditEvent.objects.get(action="organization.update").changes
    assert set(changes) == {"name", "domains"}
    assert changes["domains"] == [["elderly"], ["culture_sports", "elderly"]]
    marker = audit_marker()
    services.organization_update(actor=users["community_a"], organization=org, name="建设社区老年人协会")
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
        services.organization_update(actor=users["street_a"], organization=org, uscc=_bad_check_char(old_code))
    assert org.uscc == old_code  # the in-memory instance is restored too


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


# --- filings ---------------------------------------------------------------------------------


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
    assert org.filing_number == f"430405001-{TODAY.year}-0001"
    assert list(StatusChange.objects.filter(object_id=str(filing.pk), workflow="filing")
                .values_list("to_status", flat=True)) == ["submitted", "community_approved", "filed"]
    with Unchanged(), pytest.raises(ApplicationError):
        services.filing_transition(actor=users["street_a"], filing=filing, to=FilingStatus.REJECTED, note="x")
    # The next filing in the same street gets the next number.
    second = services.filing_submit(actor=users["community_a"], region=tree_a["community"],
                                    **{**FILING, "name": "第二个队"})
    services.filing_transition(actor=users["admin_a"], filing=second, to=FilingStatus.COMMUNITY_APPROVED)
    services.filing_transition(actor=users["admin_a"], filing=second, to=FilingStatus.FILED)
    assert Organization.objects.get(pk=second.organization_id).filing_number == f"430405001-{TODAY.year}-0002"


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


# --- campaigns and annual reports ------------------------------------------------------------


def test_campaign_open_is_set_based_and_idempotent(a, tree_a, users, org, django_assert_max_num_queries):
    suspended = OrganizationFactory(region=tree_a["community"], status=OrgStatus.SUSPENDED)
    too_new = OrganizationFactory(region=tree_a["community"], registered_date=datetime.date(2025, 2, 1))
    other = OrganizationFactory(region=tree_a["community2"])
    AnnualReportFactory(organization=other, year=2024, due_date=datetime.date(2025, 4, 30))
    marker = audit_marker()
    campaign = services.campaign_open(actor=users["street_a"], year=2024, due_date=datetime.date(2025, 5, 31))
    assert campaign.reports_opened == 1
    report = AnnualReport.objects.get(organization=org, year=2024)
    assert (report.status, report.due_date, report.campaign) == (ReportStatus.OPEN, datetime.date(2025, 5, 31),
                                                                 campaign)
    assert not AnnualReport.objects.filter(organization__in=[suspended, too_new]).exists()
    assert audit_actions_since(marker) == ["campaign.open"]
    assert AuditEvent.objects.get(action="campaign.open").changes["reports_opened"] == 1
    with Unchanged():
        again = services.campaign_open(actor=users["admin_a"], year=2024, due_date=datetime.date(2025, 6, 30))
    assert again.pk == campaign.pk and again.reports_opened == 0
    for _ in range(20):
        OrganizationFactory(region=tree_a["community"])
    with django_assert_max_num_queries(12):
        third = services.campaign_open(actor=users["admin_a"], year=2024, due_date=datetime.date(2025, 5, 31))
    assert third.reports_opened == 20


def test_campaign_open_refusals(a, users):
    with Unchanged(), pytest.raises(ApplicationError):
        services.campaign_open(actor=users["community_a"], year=2024, due_date=datetime.date(2025, 5, 31))
    with Unchanged(), pytest.raises(ValidationError):
        services.campaign_open(actor=users["admin_a"], year=1999, due_date=datetime.date(2025, 5, 31))
    with Unchanged(), pytest.raises(ValidationError):
        services.campaign_open(actor=users["admin_a"], year=2024, due_date="31/05/2025")


@pytest.fixture
def report(a, org):
    return AnnualReportFactory(organization=org, year=2024, due_date=TODAY + datetime.timedelta(days=30))


def test_annual_report_save(a, users, report):
    marker = audit_marker()
    services.annual_report_save(actor=users["org_a"], report=report, income_government="120000.50",
                                spending=80000, net_assets=-500, activities_summary=" 开展敬老活动12次 ")
    report.refresh_from_db()
    assert str(report.income_government) == "120000.50" and report.net_assets == -500
    assert report.activities_summary == "开展敬老活动12次"
    assert audit_actions_since(marker) == ["annual_report.update"]
    assert set(AuditEvent.objects.get(action="annual_report.update").changes) == {
        "income_government", "spending", "net_assets", "activities_summary",
    }


def test_annual_report_save_refusals(a, tree_a, users, report):
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.annual_report_save(actor=users["org_a"], report=report, income_donations=-1)
    assert "income_donations" in info.value.message_dict
    with Unchanged(), pytest.raises(ValidationError):
        services.annual_report_save(actor=users["org_a"], report=report, conclusion="qualified")
    with Unchanged(), pytest.raises(ApplicationError):
        services.annual_report_save(actor=users["street2_a"], report=report, spending=1)
    stranger = OrganizationFactory(region=tree_a["community"])
    other_report = AnnualReportFactory(organization=stranger)
    with Unchanged(), pytest.raises(ApplicationError):  # org_a is not a member of this organization
        services.annual_report_save(actor=users["org_a"], report=other_report, spending=1)
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    with Unchanged(), pytest.raises(ApplicationError):
        services.annual_report_save(actor=users["org_a"], report=report, spending=1)


def test_report_workflow(a, users, report):
    marker = audit_marker()
    services.annual_report_submit(actor=users["org_a"], report=report)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == users["org_a"]
    assert audit_actions_since(marker) == ["annual_report.submitted"]
    with Unchanged(), pytest.raises(ApplicationError):  # double submission
        services.annual_report_submit(actor=users["org_a"], report=report)
    with Unchanged(), pytest.raises(ApplicationError):  # the organization cannot review itself
        services.annual_report_review(actor=users["org_a"], report=report, conclusion=Conclusion.QUALIFIED)
    with Unchanged(), pytest.raises(ApplicationError):
        services.annual_report_review(actor=users["street2_a"], report=report, conclusion=Conclusion.QUALIFIED)
    with Unchanged(), pytest.raises(ApplicationError):
        services.annual_report_return(actor=users["community_a"], report=report, note="")
    with Unchanged(), pytest.raises(ValidationError):
        services.annual_report_review(actor=users["street_a"], report=report, conclusion="excellent")
    services.annual_report_return(actor=users["community_a"], report=report, note="财务数据不完整")
    assert report.status == ReportStatus.RETURNED and report.review_note == "财务数据不完整"
    services.annual_report_save(actor=users["org_a"], report=report, spending=100)
    services.annual_report_submit(actor=users["org_a"], report=report)
    marker = audit_marker()
    services.annual_report_review(actor=users["street_a"], report=report, conclusion=Conclusion.QUALIFIED,
                                  note="合格")
    report.refresh_from_db()
    assert (report.status, report.conclusion, report.reviewed_by) == (ReportStatus.REVIEWED, "qualified",
                                                                      users["street_a"])
    assert report.reviewed_at is not None
    assert audit_actions_since(marker) == ["annual_report.reviewed"]
    with Unchanged(), pytest.raises(ApplicationError):
        services.annual_report_return(actor=users["street_a"], report=report, note="再看看")


def test_report_attachment(a, users, report, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    marker = audit_marker()
    attachment = services.report_attachment_add(
        actor=users["org_a"], report=report,
        uploaded_file=SimpleUploadedFile("财务报表.PDF", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    assert attachment.name == "财务报表.PDF" and attachment.report == report
    assert audit_actions_since(marker) == ["annual_report.attachment_add"]
    with Unchanged(), pytest.raises(ValidationError):
        services.report_attachment_add(actor=users["org_a"], report=report,
                                       uploaded_file=SimpleUploadedFile("run.exe", b"MZ"))
    big = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1))
    with Unchanged(), pytest.raises(ValidationError):
        services.report_attachment_add(actor=users["org_a"], report=report, uploaded_file=big)
    with Unchanged(), pytest.raises(ApplicationError):
        services.report_attachment_add(actor=users["grid_a"], report=report,
                                       uploaded_file=SimpleUploadedFile("a.pdf", b"x"))
    assert ReportAttachment.objects.count() == 1


# --- grades ----------------------------------------------------------------------------------


BANDS = {"5A": 950, "4A": 850, "3A": 750, "2A": 650, "1A": 0}


def test_grade_bands_set(a, tree_a, users):
    marker = audit_marker()
    assert services.grade_bands_set(actor=users["admin_a"], tenant=tree_a["tenant"], bands=BANDS) == BANDS
    assert selectors.grade_for_score(tenant=tree_a["tenant"], score=900) == "4A"
    assert audit_actions_since(marker) == ["grade_bands.set"]
    with Unchanged():
        services.grade_bands_set(actor=users["admin_a"], tenant=tree_a["tenant"], bands=BANDS)


@pytest.mark.parametrize(("user", "bands", "error"), [
    ("street_a", BANDS, ApplicationError),
    ("admin_a", {**BANDS, "4A": 950}, ValidationError),
    ("admin_a", {**BANDS, "3A": 900}, ValidationError),
    ("admin_a", {**BANDS, "5A": 1001}, ValidationError),
    ("admin_a", {k: v for k, v in BANDS.items() if k != "1A"}, ValidationError),
    ("admin_a", {**BANDS, "2A": "650"}, ValidationError),
])
def test_grade_bands_set_refusals(a, tree_a, users, user, bands, error):
    with Unchanged(), pytest.raises(error):
        services.grade_bands_set(actor=users[user], tenant=tree_a["tenant"], bands=bands)


def test_grade_bands_set_other_tenant(tree_a, tree_b, users):
    with tenant_context(tree_a["tenant"]), Unchanged(), pytest.raises(ApplicationError):
        services.grade_bands_set(actor=users["admin_a"], tenant=tree_b["tenant"], bands=BANDS)


@pytest.fixture
def gradable(a, org):
    for year in (2023, 2024):
        AnnualReportFactory(organization=org, year=year, status=ReportStatus.REVIEWED,
                            conclusion=Conclusion.QUALIFIED)
    return org


AWARDED = datetime.date(2025, 9, 1)


def test_grade_award_supersedes_previous(a, users, gradable):
    previous = EvaluationGradeFactory(organization=gradable, grade="3A", awarded_date=datetime.date(2022, 5, 1))
    marker = audit_marker()
    grade = services.grade_award(actor=users["street_a"], organization=gradable, score=912, awarded_date=AWARDED)
    assert (grade.grade, grade.expires_date, grade.status) == ("5A", datetime.date(2030, 9, 1), GradeStatus.VALID)
    previous.refresh_from_db()
    assert previous.status == GradeStatus.EXPIRED
    assert audit_actions_since(marker) == ["grade.supersede", "grade.award"]
    assert selectors.organization_get_for_user(user=users["street_a"], pk=gradable.pk).current_grade == "5A"


def test_grade_award_refusals(a, users, gradable):
    with Unchanged(), pytest.raises(ApplicationError):
        services.grade_award(actor=users["community_a"], organization=gradable, score=900, awarded_date=AWARDED)
    with Unchanged(), pytest.raises(ApplicationError):
        services.grade_award(actor=users["street2_a"], organization=gradable, score=900, awarded_date=AWARDED)
    for score in (1001, -1, "900"):
        with Unchanged(), pytest.raises(ValidationError):
            services.grade_award(actor=users["street_a"], organization=gradable, score=score, awarded_date=AWARDED)
    with Unchanged(), pytest.raises(ValidationError):
        services.grade_award(actor=users["street_a"], organization=gradable, score=900,
                             awarded_date=TODAY + datetime.timedelta(days=1))
    CreditRecordFactory(organization=gradable, list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE)
    with Unchanged(), pytest.raises(ApplicationError) as info:
        services.grade_award(actor=users["street_a"], organization=gradable, score=900,
                             awarded_date=datetime.date(2026, 3, 1))  # 2025's report is missing too
    assert len(info.value.extra["reasons"]) == 2


# --- credit lists ----------------------------------------------------------------------------


def test_credit_add(a, users, org):
    marker = audit_marker()
    record = services.credit_add(actor=users["street_a"], organization=org, list_type=CreditList.ABNORMAL,
                                 reason=CreditReason.UNREACHABLE, listed_on=datetime.date(2025, 3, 3),
                                 decision_number="衡民社〔2025〕3号")
    assert (record.source, record.is_active, record.created_by) == (CreditSource.MANUAL, True, users["street_a"])
    assert audit_actions_since(marker) == ["credit.add"]


@pytest.mark.parametrize(("user", "list_type", "reason", "listed_on", "error"), [
    ("community_a", "abnormal", CreditReason.UNREACHABLE, datetime.date(2025, 1, 1), ApplicationError),
    ("street2_a", "abnormal", CreditReason.UNREACHABLE, datetime.date(2025, 1, 1), ApplicationError),
    ("street_a", "abnormal", CreditReason.LARGE_FINE, datetime.date(2025, 1, 1), ValidationError),
    ("street_a", "serious", CreditReason.UNREACHABLE, datetime.date(2025, 1, 1), ValidationError),
    ("street_a", "blacklist", CreditReason.UNREACHABLE, datetime.date(2025, 1, 1), ValidationError),
    ("street_a", "abnormal", CreditReason.UNREACHABLE, TODAY + datetime.timedelta(days=2), ValidationError),
])
def test_credit_add_refusals(a, users, org, user, list_type, reason, listed_on, error):
    with Unchanged(), pytest.raises(error):
        services.credit_add(actor=users[user], organization=org, list_type=list_type, reason=reason,
                            listed_on=listed_on)


def test_credit_remove_abnormal(a, users, org):
    record = CreditRecordFactory(organization=org, listed_on=datetime.date(2025, 1, 1))
    with Unchanged(), pytest.raises(ValidationError):
        services.credit_remove(actor=users["street_a"], record=record, removed_on=datetime.date(2025, 2, 1),
                               reason="")
    with Unchanged(), pytest.raises(ValidationError):
        services.credit_remove(actor=users["street_a"], record=record, removed_on=datetime.date(2024, 2, 1),
                               reason="错列")
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_remove(actor=users["community_a"], record=record, removed_on=datetime.date(2025, 2, 1),
                               reason="错列")
    marker = audit_marker()
    services.credit_remove(actor=users["street_a"], record=record, removed_on=datetime.date(2025, 2, 1),
                           reason="错列")
    assert audit_actions_since(marker) == ["credit.remove"]
    record.refresh_from_db()
    assert (record.removed_on, record.removal_reason, record.removed_by) == (datetime.date(2025, 2, 1), "错列",
                                                                             users["street_a"])
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_remove(actor=users["street_a"], record=record, removed_on=datetime.date(2025, 3, 1),
                               reason="again")


def test_credit_remove_serious_after_two_years_without_new_listing(a, users, org):
    first = CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE,
                                listed_on=datetime.date(2022, 1, 10))
    with Unchanged(), pytest.raises(ApplicationError) as info:
        services.credit_remove(actor=users["street_a"], record=first, removed_on=datetime.date(2024, 1, 9),
                               reason="申请移出")
    assert info.value.extra == {"earliest": "2024-01-10"}
    # A new listing restarts the two years.
    CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS, reason=CreditReason.COURT_DEFAULTER,
                        listed_on=datetime.date(2023, 6, 1))
    with Unchanged(), pytest.raises(ApplicationError) as info:
        services.credit_remove(actor=users["street_a"], record=first, removed_on=datetime.date(2024, 1, 10),
                               reason="申请移出")
    assert info.value.extra == {"earliest": "2025-06-01"}
    services.credit_remove(actor=users["street_a"], record=first, removed_on=datetime.date(2025, 6, 1),
                           reason="申请移出")
    assert CreditRecord.objects.get(pk=first.pk).removed_on == datetime.date(2025, 6, 1)


def test_credit_remove_serious_moved_from_abnormal_needs_the_obligation(a, users, org):
    serious = CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS, source=CreditSource.AUTOMATIC,
                                  reason=CreditReason.ABNORMAL_TWO_YEARS, listed_on=datetime.date(2022, 3, 1))
    moved = CreditRecordFactory(organization=org, reason=CreditReason.PARTY_ORG_NOT_SET,
                                listed_on=datetime.date(2020, 3, 1), removed_on=datetime.date(2022, 3, 1),
                                moved_to=serious)
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_remove(actor=users["street_a"], record=serious, removed_on=datetime.date(2024, 6, 1),
                               reason="申请移出")
    # The organization can still rectify the moved entry, and staff verify it.
    services.credit_apply_rectification(actor=users["org_a"], record=moved, applied_on=datetime.date(2024, 5, 1))
    services.credit_verify_rectification(actor=users["street_a"], record=moved,
                                         verified_on=datetime.date(2024, 5, 10))
    marker = audit_marker()
    services.credit_remove(actor=users["street_a"], record=serious, removed_on=datetime.date(2024, 6, 1),
                           reason="申请移出")
    assert audit_actions_since(marker) == ["credit.remove"]


def test_credit_remove_revoked_registration_only_by_deregistration(a, users, org):
    record = CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS,
                                 reason=CreditReason.REGISTRATION_REVOKED, listed_on=datetime.date(2020, 1, 1))
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_remove(actor=users["street_a"], record=record, removed_on=datetime.date(2025, 1, 1),
                               reason="x")
    Organization.objects.filter(pk=org.pk).update(status=OrgStatus.DEREGISTERED)
    services.credit_remove(actor=users["street_a"], record=record, removed_on=datetime.date(2025, 1, 1),
                           reason="已注销")
    assert CreditRecord.objects.get(pk=record.pk).removed_on == datetime.date(2025, 1, 1)


def test_rectification_apply_and_verify(a, users, org):
    record = CreditRecordFactory(organization=org, reason=CreditReason.UNREACHABLE,
                                 listed_on=datetime.date(2025, 1, 10))
    with Unchanged(), pytest.raises(ApplicationError):  # nothing applied for yet
        services.credit_verify_rectification(actor=users["street_a"], record=record,
                                             verified_on=datetime.date(2025, 2, 1))
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_apply_rectification(actor=users["street2_a"], record=record,
                                            applied_on=datetime.date(2025, 2, 1))
    marker = audit_marker()
    services.credit_apply_rectification(actor=users["org_a"], record=record, applied_on=datetime.date(2025, 2, 1))
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_apply_rectification(actor=users["org_a"], record=record,
                                            applied_on=datetime.date(2025, 2, 2))
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_verify_rectification(actor=users["community_a"], record=record,
                                             verified_on=datetime.date(2025, 2, 5))
    with Unchanged(), pytest.raises(ValidationError):
        services.credit_verify_rectification(actor=users["street_a"], record=record,
                                             verified_on=datetime.date(2025, 1, 31))
    services.credit_verify_rectification(actor=users["street_a"], record=record,
                                         verified_on=datetime.date(2025, 2, 5))
    assert audit_actions_since(marker) == ["credit.apply_rectification", "credit.verify_rectification"]
    record.refresh_from_db()
    assert (record.rectification_applied_on, record.rectification_verified_on, record.removed_on) == (
        datetime.date(2025, 2, 1), datetime.date(2025, 2, 5), None)  # the daily job removes it
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_verify_rectification(actor=users["street_a"], record=record,
                                             verified_on=datetime.date(2025, 2, 6))
    warning = CreditRecordFactory(organization=org, reason=CreditReason.WARNING_OR_SMALL_FINE)
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_apply_rectification(actor=users["org_a"], record=warning,
                                            applied_on=datetime.date(2025, 2, 1))


# --- portal and change requests --------------------------------------------------------------


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
                               uscc=_bad_check_char(org.uscc))
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
    marker = audit_marker()
    services.change_request_decide(actor=users["community_a"], change_request=change_request, approve=True)
    assert audit_actions_since(marker) == ["change_request.approved", "organization.update"]
    org.refresh_from_db()
    assert (org.name, org.uscc, org.established_date) == ("新名称", new_code, datetime.date(2017, 12, 1))
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequestStatus.APPROVED and change_request.decided_by == users["community_a"]
    with Unchanged(), pytest.raises(ApplicationError):
        services.change_request_decide(actor=users["community_a"], change_request=change_request, approve=False,
                                       note="x")


def test_change_request_reject_and_revalidation(tree_a, tree_b, users, org):
    with tenant_context(tree_a["tenant"]):
        _org, change_request = services.portal_update(actor=users["org_a"], organization=org, uscc=code(78))
    # Meanwhile another tenant registers that code: approving must re-validate and refuse.
    with tenant_context(tree_b["tenant"]):
        OrganizationFactory(region=tree_b["community"], uscc=code(78))
    with tenant_context(tree_a["tenant"]):
        with Unchanged(), pytest.raises(ValidationError) as info:
            services.change_request_decide(actor=users["street_a"], change_request=change_request, approve=True)
        assert list(info.value.message_dict) == ["uscc"]
        assert OrgChangeRequest.objects.get(pk=change_request.pk).status == ChangeRequestStatus.PENDING
        with Unchanged(), pytest.raises(ValidationError):
            services.change_request_decide(actor=users["street_a"], change_request=change_request, approve=False)
        marker = audit_marker()
        services.change_request_decide(actor=users["street_a"], change_request=change_request, approve=False,
                                       note="代码已被占用")
        assert audit_actions_since(marker) == ["change_request.rejected"]
        assert list(StatusChange.objects.filter(workflow="change_request", object_id=str(change_request.pk))
                    .values_list("from_status", "to_status", "note")) == [
            ("", "pending", ""), ("pending", "rejected", "代码已被占用")]
        assert OrgChangeRequest.objects.get(pk=change_request.pk).status == ChangeRequestStatus.REJECTED
        assert Organization.objects.get(pk=org.pk).uscc == org.uscc


# --- the daily credit rules ------------------------------------------------------------------


ZERO = {"listed_overdue": 0, "removed_verified": 0, "removed_no_rectification": 0, "moved_to_serious": 0,
        "removed_deregistered": 0, "grades_expired": 0, "grades_flagged": 0}


def credit_rows() -> list[dict]:
    return list(CreditRecord.unscoped.order_by("id").values())


def run(tenant, day: datetime.date, **expected) -> None:
    """Run the job for ``day``, check the counts, then check a second run changes nothing."""
    assert services.credit_rules_apply(tenant=tenant, today=day) == {**ZERO, **expected}
    rows, grades, marker = credit_rows(), list(EvaluationGrade.unscoped.order_by("id").values()), audit_marker()
    assert services.credit_rules_apply(tenant=tenant, today=day) == ZERO
    assert credit_rows() == rows
    assert list(EvaluationGrade.unscoped.order_by("id").values()) == grades
    assert audit_actions_since(marker) == []


def active() -> set[tuple[str, str, str]]:
    return set(CreditRecord.objects.filter(removed_on__isnull=True).values_list(
        "organization__name", "list_type", "reason"))


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def test_credit_rules_date_sequence(a, tree_a, users):
    tenant = tree_a["tenant"]
    late = OrganizationFactory(region=tree_a["community"], name="迟报协会")
    fixed = OrganizationFactory(region=tree_a["community"], name="补报协会")
    warned = OrganizationFactory(region=tree_a["community"], name="受警告协会")
    revoked = OrganizationFactory(region=tree_a["community"], name="已撤销协会", status=OrgStatus.DEREGISTERED)
    graded = OrganizationFactory(region=tree_a["community"], name="评级协会")
    dormant = OrganizationFactory(region=tree_a["community"], name="停止活动协会", status=OrgStatus.SUSPENDED)
    for organization in (late, fixed, dormant):
        AnnualReportFactory(organization=organization, year=2024, due_date=d("2025-05-31"))
    AnnualReportFactory(organization=graded, year=2024, due_date=d("2025-05-31"), status=ReportStatus.SUBMITTED)
    CreditRecordFactory(organization=warned, reason=CreditReason.WARNING_OR_SMALL_FINE, listed_on=d("2025-01-10"))
    unreachable = CreditRecordFactory(organization=warned, reason=CreditReason.UNREACHABLE,
                                      listed_on=d("2025-04-01"))
    CreditRecordFactory(organization=revoked, list_type=CreditList.SERIOUS,
                        reason=CreditReason.REGISTRATION_REVOKED, listed_on=d("2024-11-01"))
    grade = EvaluationGradeFactory(organization=graded, awarded_date=d("2020-09-15"))  # expires 2025-09-15
    start = audit_marker()

    # The due date itself: nothing is overdue yet; the deregistered organization leaves the serious list.
    run(tenant, d("2025-05-31"), removed_deregistered=1)
    assert ("已撤销协会", "serious", "registration_revoked") not in active()
    # The day after: both unfiled reports of active organizations are listed, not the suspended one's.
    run(tenant, d("2025-06-01"), listed_overdue=2)
    overdue = CreditRecord.objects.filter(reason=CreditReason.ANNUAL_REPORT_OVERDUE)
    assert set(overdue.values_list("organization__name", "source", "listed_on")) == {
        ("迟报协会", "auto", d("2025-06-01")), ("补报协会", "auto", d("2025-06-01"))}
    assert all(record.annual_report_id for record in overdue)
    # 90 days before the grade expires it is flagged, not a day earlier.
    run(tenant, d("2025-06-16"))
    run(tenant, d("2025-06-17"), grades_flagged=1)
    assert EvaluationGrade.objects.get(pk=grade.pk).expiry_flagged_on == d("2025-06-17")

    # 补报协会 files late; the report is reviewed on 1 July: removed at the next run, verified that day.
    report = AnnualReport.objects.get(organization=fixed)
    report.status = ReportStatus.REVIEWED
    report.conclusion = Conclusion.QUALIFIED
    report.reviewed_at = timezone.make_aware(datetime.datetime(2025, 7, 1, 10, 0))
    report.save()
    run(tenant, d("2025-06-30"))  # the review lies in the future of this run
    run(tenant, d("2025-07-02"), removed_verified=1)
    fixed_record = CreditRecord.objects.get(organization=fixed)
    assert (fixed_record.rectification_verified_on, fixed_record.removed_on, fixed_record.removal_reason) == (
        d("2025-07-01"), d("2025-07-02"), str(services.REMOVAL_VERIFIED))

    # The warning of 10 January would leave on 10 July, but the listing of 1 April restarted the clock.
    run(tenant, d("2025-07-10"))
    services.credit_apply_rectification(actor=users["street_a"], record=unreachable, applied_on=d("2025-07-20"))
    services.credit_verify_rectification(actor=users["street_a"], record=unreachable, verified_on=d("2025-08-01"))
    run(tenant, d("2025-07-31"))
    run(tenant, d("2025-08-01"), removed_verified=1)
    assert active() >= {("受警告协会", "abnormal", "warning_small_fine")}
    # The grade expires on its expiry date.
    run(tenant, d("2025-09-14"))
    run(tenant, d("2025-09-15"), grades_expired=1)
    assert EvaluationGrade.objects.get(pk=grade.pk).status == GradeStatus.EXPIRED
    run(tenant, d("2025-09-30"))
    run(tenant, d("2025-10-01"), removed_no_rectification=1)
    assert active() == {("迟报协会", "abnormal", "annual_report_overdue")}

    # Two full years on the abnormal list: moved to the serious list, once.
    run(tenant, d("2027-05-31"))
    run(tenant, d("2027-06-01"), moved_to_serious=1)
    assert active() == {("迟报协会", "serious", "abnormal_two_years")}
    moved = CreditRecord.objects.get(organization=late, list_type=CreditList.ABNORMAL)
    serious = CreditRecord.objects.get(organization=late, list_type=CreditList.SERIOUS)
    assert (moved.removed_on, moved.moved_to, moved.removal_reason) == (d("2027-06-01"), serious,
                                                                        str(services.REMOVAL_MOVED))
    assert (serious.source, serious.listed_on) == (CreditSource.AUTOMATIC, d("2027-06-01"))
    # The report is still unfiled, but the serious entry answers for it: no second abnormal entry.
    run(tenant, d("2027-06-02"))
    assert CreditRecord.objects.count() == 6

    # Every change of the job was audited as the system, with the organization's jurisdiction.
    events = AuditEvent.objects.filter(id__gt=start, actor__isnull=True)
    assert set(events.values_list("action", flat=True)) == {
        "credit.auto_list", "credit.auto_remove", "credit.move_to_serious", "grade.expire", "grade.flag_expiry"}
    assert events.count() == 2 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1  # listed 2, 4 removals, flag, expiry, move 2
    assert set(events.values_list("actor_repr", flat=True)) == {"system"}
    assert set(events.values_list("region_path", flat=True)) == {tree_a["community"].path}


def test_credit_rules_new_listing_restarts_the_six_months(a, tree_a):
    org = OrganizationFactory(region=tree_a["community"])
    CreditRecordFactory(organization=org, reason=CreditReason.WARNING_OR_SMALL_FINE, listed_on=d("2024-08-31"))
    run(tree_a["tenant"], d("2025-02-27"))
    run(tree_a["tenant"], d("2025-02-28"), removed_no_rectification=1)  # 31 August + 6 months
    CreditRecordFactory(organization=org, reason=CreditReason.WARNING_OR_SMALL_FINE, listed_on=d("2025-03-01"))
    CreditRecordFactory(organization=org, reason=CreditReason.WARNING_OR_SMALL_FINE, listed_on=d("2025-05-15"))
    run(tree_a["tenant"], d("2025-09-01"))  # the first of the two is held by the second listing
    run(tree_a["tenant"], d("2025-11-15"), removed_no_rectification=2)


def test_credit_rules_two_years_from_29_february_and_verified_entries_stay(a, tree_a):
    org = OrganizationFactory(region=tree_a["community"])
    other = OrganizationFactory(region=tree_a["community"])
    CreditRecordFactory(organization=org, reason=CreditReason.PARTY_ORG_NOT_SET, listed_on=d("2024-02-29"))
    CreditRecordFactory(organization=org, reason=CreditReason.UNREACHABLE, listed_on=d("2024-02-28"))
    # Rectified and verified in the future of this run: stays listed, is not moved.
    CreditRecordFactory(organization=other, reason=CreditReason.UNREACHABLE, listed_on=d("2024-01-15"),
                        rectification_applied_on=d("2026-01-01"), rectification_verified_on=d("2026-03-01"))
    run(tree_a["tenant"], d("2026-02-27"))
    run(tree_a["tenant"], d("2026-02-28"), moved_to_serious=1)
    serious = CreditRecord.objects.get(list_type=CreditList.SERIOUS)
    assert set(serious.moved_from.values_list("reason", flat=True)) == {"party_org_not_set", "unreachable"}
    assert active() == {(org.name, "serious", "abnormal_two_years"), (other.name, "abnormal", "unreachable")}
    run(tree_a["tenant"], d("2026-03-01"), removed_verified=1)


def test_credit_rules_only_in_own_tenant_scope(tree_a, tree_b):
    with tenant_context(tree_a["tenant"]):
        with pytest.raises(ApplicationError):
            services.credit_rules_apply(tenant=tree_b["tenant"], today=d("2025-06-01"))


def test_credit_rules_leave_other_tenants_alone(tree_a, tree_b):
    with tenant_context(tree_b["tenant"]):
        org_b = OrganizationFactory(region=tree_b["community"])
        AnnualReportFactory(organization=org_b, due_date=d("2025-05-31"))
    with tenant_context(tree_a["tenant"]):
        assert services.credit_rules_apply(tenant=tree_a["tenant"], today=d("2025-06-01")) == ZERO
    with tenant_context(tree_b["tenant"]):
        assert services.credit_rules_apply(tenant=tree_b["tenant"], today=d("2025-06-01"))["listed_overdue"] == 1
