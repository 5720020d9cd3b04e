"""Selectors: scoping by tenant and jurisdiction, filters, annotations, query budgets, statistics."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.imports import selectors as import_selectors
from governance.models import ImportJob
from governance.pinyin import pinyin_sort_key
from governance.selectors import user_roles
from governance.tenancy import tenant_context
from orgs import selectors
from orgs.importing import IMPORTER_KEY
from orgs.models import (
    Conclusion,
    CreditList,
    CreditReason,
    FilingStatus,
    GradeBand,
    GradeStatus,
    OrganizationDomain,
    OrgChangeRequest,
    OrgKind,
    OrgStatus,
    PartyCoverage,
    ReportStatus,
    ServiceDomain,
)
from orgs.tests.factories import (
    AnnualReportFactory,
    CreditRecordFactory,
    EvaluationGradeFactory,
    FilingFactory,
    MembershipFactory,
    OrganizationFactory,
)

TODAY = timezone.localdate()


@pytest.fixture
def orgs(tree_a, tree_b, users):
    """A1 in 建设社区 (street 1), A2 in 光明社区 (street 2), A3 in a grid of 建设社区, B1 in tenant B."""
    with tenant_context(tree_a["tenant"]):
        a1 = OrganizationFactory(region=tree_a["community"], name="夕阳红为老服务中心",
                                 kind=OrgKind.SERVICE_INSTITUTION, registered_date=datetime.date(2015, 5, 1),
                                 party_coverage=PartyCoverage.OWN_BRANCH)
        a2 = OrganizationFactory(region=tree_a["community2"], name="光明儿童之家", kind=OrgKind.ASSOCIATION,
                                 registered_date=datetime.date(2020, 1, 1))
        a3 = OrganizationFactory(region=tree_a["grid"], name="建设社区书画社", kind=OrgKind.COMMUNITY_GROUP,
                                 uscc=None, filing_number="430405001-2023-0001",
                                 registered_date=datetime.date(2023, 3, 1))
        OrganizationDomain.objects.create(organization=a1, domain=ServiceDomain.ELDERLY)
        OrganizationDomain.objects.create(organization=a1, domain=ServiceDomain.HEALTH)
        OrganizationDomain.objects.create(organization=a2, domain=ServiceDomain.CHILDREN)
    with tenant_context(tree_b["tenant"]):
        b1 = OrganizationFactory(region=tree_b["community"], name="荷塘志愿者协会")
    return {"a1": a1, "a2": a2, "a3": a3, "b1": b1}


def names(queryset) -> set[str]:
    return {org.name for org in queryset}


# --- scoping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("user", "expected"), [
    ("admin_a", {"a1", "a2", "a3"}),
    ("street_a", {"a1", "a3"}),
    ("street2_a", {"a2"}),
    ("community_a", {"a1", "a3"}),
    ("grid_a", {"a3"}),
    ("auditor_a", {"a1", "a2", "a3"}),
    ("party_a", {"a1", "a2", "a3"}),
    ("expert_a", set()),
    ("org_a", set()),
    ("norole_a", set()),
    ("admin_b", set()),
])
def test_organization_list_scoping(tree_a, users, orgs, user, expected):
    with tenant_context(tree_a["tenant"]):
        assert names(selectors.organization_list(user=users[user])) == {orgs[key].name for key in expected}


def test_org_user_sees_only_member_organizations(tree_a, users, orgs):
    with tenant_context(tree_a["tenant"]):
        MembershipFactory(organization=orgs["a2"], user=users["org_a"])
        assert names(selectors.organization_list(user=users["org_a"])) == {orgs["a2"].name}
        assert names(selectors.portal_organizations(user=users["org_a"])) == {orgs["a2"].name}
        assert selectors.organization_get_for_user(user=users["org_a"], pk=orgs["a2"].pk) == orgs["a2"]
        with pytest.raises(Http404):
            selectors.organization_get_for_user(user=users["org_a"], pk=orgs["a1"].pk)


def test_staff_who_is_also_member_sees_the_union_once(tree_a, users, orgs):
    from governance import services as core

    with tenant_context(tree_a["tenant"]):
        core.role_assign(actor=None, user=users["street2_a"], region=tree_a["root"], role="org_user")
        MembershipFactory(organization=orgs["a1"], user=users["street2_a"])
        MembershipFactory(organization=orgs["a2"], user=users["street2_a"])
        rows = list(selectors.organization_list(user=users["street2_a"]))
        assert sorted(org.name for org in rows) == sorted([orgs["a1"].name, orgs["a2"].name])


def test_tenant_b_sees_only_its_own(tree_b, users, orgs):
    with tenant_context(tree_b["tenant"]):
        assert names(selectors.organization_list(user=users["admin_b"])) == {orgs["b1"].name}
        assert names(selectors.organization_list(user=users["street_b"])) == {orgs["b1"].name}
        with pytest.raises(Http404):
            selectors.organization_get_for_user(user=users["admin_b"], pk=orgs["a1"].pk)


@pytest.mark.parametrize("user", ["street2_a", "grid_a", "expert_a", "org_a", "admin_b"])
def test_get_for_user_404_when_not_visible(tree_a, users, orgs, user):
    with tenant_context(tree_a["tenant"]):
        with pytest.raises(Http404):
            selectors.organization_get_for_user(user=users[user], pk=orgs["a1"].pk)


def test_get_for_user_missing_and_garbage_ids(tree_a, users, orgs):
    with tenant_context(tree_a["tenant"]):
        assert selectors.organization_get_for_user(user=users["street_a"], pk=orgs["a1"].pk) == orgs["a1"]
        for pk in (999_999, "abc", None):
            with pytest.raises(Http404):
                selectors.organization_get_for_user(user=users["admin_a"], pk=pk)


# --- filters ---------------------------------------------------------------------------------


def listed(tree_a, users, filters, user="admin_a") -> set[str]:
    with tenant_context(tree_a["tenant"]):
        return names(selectors.organization_list(user=users[user], filters=filters))


def test_filter_q_by_name_and_codes(tree_a, users, orgs):
    assert listed(tree_a, users, {"q": "儿童"}) == {orgs["a2"].name}
    assert listed(tree_a, users, {"q": orgs["a1"].uscc[:12].lower()}) == {orgs["a1"].name}
    assert listed(tree_a, users, {"q": "430405001-2023"}) == {orgs["a3"].name}
    assert listed(tree_a, users, {"q": "不存在"}) == set()


def test_filter_kind_domain_status_coverage(tree_a, users, orgs):
    assert listed(tree_a, users, {"kind": OrgKind.COMMUNITY_GROUP}) == {orgs["a3"].name}
    assert listed(tree_a, users, {"domain": ServiceDomain.ELDERLY}) == {orgs["a1"].name}
    assert listed(tree_a, users, {"domain": ServiceDomain.LEGAL}) == set()
    with tenant_context(tree_a["tenant"]):
        orgs["a2"].status = OrgStatus.SUSPENDED
        orgs["a2"].save(update_fields=["status"])
    assert listed(tree_a, users, {"status": OrgStatus.SUSPENDED}) == {orgs["a2"].name}
    assert listed(tree_a, users, {"party_coverage": PartyCoverage.OWN_BRANCH}) == {orgs["a1"].name}
    assert listed(tree_a, users, {"party_coverage": "unknown"}) == {orgs["a2"].name, orgs["a3"].name}


def test_filter_region_subtree_only_if_visible(tree_a, users, orgs):
    assert listed(tree_a, users, {"region": tree_a["street2"].pk}) == {orgs["a2"].name}
    assert listed(tree_a, users, {"region": tree_a["community"].pk}) == {orgs["a1"].name, orgs["a3"].name}
    # A street user asking for the other street's subtree gets nothing, not an error.
    assert listed(tree_a, users, {"region": tree_a["street2"].pk}, user="street_a") == set()
    assert listed(tree_a, users, {"region": 999_999}) == set()


def test_grade_annotation_and_filter(tree_a, users, orgs):
    with tenant_context(tree_a["tenant"]):
        # a1: an old expired 3A and a newer valid 5A → 5A. a2: a valid grade already past expiry → none.
        EvaluationGradeFactory(organization=orgs["a1"], grade="3A", score=720, awarded_date=datetime.date(2019, 1, 1),
                               status=GradeStatus.EXPIRED)
        EvaluationGradeFactory(organization=orgs["a1"], grade="5A", score=930, awarded_date=TODAY - datetime.timedelta(days=400))
        EvaluationGradeFactory(organization=orgs["a2"], grade="4A", awarded_date=datetime.date(2019, 1, 1))
        EvaluationGradeFactory(organization=orgs["a3"], grade="2A", score=650, awarded_date=datetime.date(2024, 2, 1),
                               status=GradeStatus.REVOKED)
        rows = {o.pk: o for o in selectors.organization_list(user=users["admin_a"])}
    assert rows[orgs["a1"].pk].current_grade == "5A"
    assert rows[orgs["a2"].pk].current_grade is None
    assert rows[orgs["a3"].pk].current_grade is None
    assert listed(tree_a, users, {"grade": "5A"}) == {orgs["a1"].name}
    assert listed(tree_a, users, {"grade": "4A"}) == set()
    assert listed(tree_a, users, {"grade": "none"}) == {orgs["a2"].name, orgs["a3"].name}


def test_credit_annotation_and_filter(tree_a, users, orgs):
    with tenant_context(tree_a["tenant"]):
        CreditRecordFactory(organization=orgs["a1"], list_type=CreditList.ABNORMAL)
        CreditRecordFactory(organization=orgs["a2"], list_type=CreditList.ABNORMAL)
        CreditRecordFactory(organization=orgs["a2"], list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE)
        # A removed entry no longer counts.
        CreditRecordFactory(organization=orgs["a3"], list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE,
                            removed_on=datetime.date(2024, 6, 1))
        rows = {o.pk: o for o in selectors.organization_list(user=users["admin_a"])}
    assert rows[orgs["a1"].pk].credit_list == "abnormal"
    assert rows[orgs["a2"].pk].credit_list == "serious"
    assert rows[orgs["a3"].pk].credit_list is None
    assert listed(tree_a, users, {"credit": "serious"}) == {orgs["a2"].name}
    assert listed(tree_a, users, {"credit": "abnormal"}) == {orgs["a1"].name, orgs["a2"].name}
    assert listed(tree_a, users, {"credit": "none"}) == {orgs["a3"].name}


def test_ordering(tree_a, users, orgs):
    with tenant_context(tree_a["tenant"]):
        user = users["admin_a"]
        by_date = [o.pk for o in selectors.organization_list(user=user, filters={"ordering": "registered_date"})]
        assert by_date == [orgs["a1"].pk, orgs["a2"].pk, orgs["a3"].pk]
        newest = [o.pk for o in selectors.organization_list(user=user, filters={"ordering": "-registered_date"})]
        assert newest == list(reversed(by_date))
        by_name = [o.name for o in selectors.organization_list(user=user, filters={"ordering": "-name"})]
        assert by_name == sorted(by_name, key=pinyin_sort_key, reverse=True)  # names in pinyin order
        # Anything else falls back to the name, never to an arbitrary column.
        default = [o.name for o in selectors.organization_list(user=user, filters={"ordering": "uscc"})]
        assert default == sorted(default, key=pinyin_sort_key)


def test_query_count_does_not_grow_with_rows(tree_a, users, query_budget):
    def make_rows(count: int) -> None:
        with tenant_context(tree_a["tenant"]):
            for _ in range(count):
                org = OrganizationFactory(region=tree_a["community"])
                OrganizationDomain.objects.create(organization=org, domain=ServiceDomain.ELDERLY)
                EvaluationGradeFactory(organization=org, awarded_date=TODAY - datetime.timedelta(days=365))
                CreditRecordFactory(organization=org)

    def list_rows() -> int:
        rows = list(selectors.organization_list(user=users["street_a"])[:50])
        for org in rows:
            (org.region.name, [d.domain for d in org.domains.all()], org.current_grade, org.credit_list)
        return len(rows)

    with tenant_context(tree_a["tenant"]):
        user_roles(users["street_a"])  # the role look-up is cached on the user: warm it up once
        # Organizations with their annotations and regions, then the domains.
        query_budget(make_rows, list_rows, sizes=(3, 18), expected=2, rows=lambda shown: shown)


# --- statistics ------------------------------------------------------------------------------


def counts(rows) -> dict[str, int]:
    return {row["code"]: row["count"] for row in rows}


def test_organization_stats(tree_a, users, orgs):
    with tenant_context(tree_a["tenant"]):
        EvaluationGradeFactory(organization=orgs["a1"], grade="5A", awarded_date=TODAY - datetime.timedelta(days=365))
        CreditRecordFactory(organization=orgs["a2"], list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE)
        CreditRecordFactory(organization=orgs["a2"], list_type=CreditList.ABNORMAL)
        with CaptureQueriesContext(connection) as ctx:
            stats = selectors.organization_stats(user=users["admin_a"])
        assert len(ctx.captured_queries) <= 8
        assert stats["total"] == 3
        assert counts(stats["by_kind"]) == {OrgKind.ASSOCIATION: 1, OrgKind.SERVICE_INSTITUTION: 1,
                                            OrgKind.FOUNDATION: 0, OrgKind.COMMUNITY_GROUP: 1}
        assert counts(stats["by_status"])[OrgStatus.ACTIVE] == 3
        assert counts(stats["by_domain"])[ServiceDomain.ELDERLY] == 1
        assert counts(stats["by_domain"])[ServiceDomain.CHILDREN] == 1
        assert counts(stats["by_domain"])[ServiceDomain.LEGAL] == 0
        assert counts(stats["by_grade"]) == {"5A": 1, "4A": 0, "3A": 0, "2A": 0, "1A": 0, "none": 2}
        assert counts(stats["by_credit_list"]) == {"abnormal": 1, "serious": 1, "none": 2}
        assert all(isinstance(row["label"], str) and row["label"] for row in stats["by_kind"])

        street = selectors.organization_stats(user=users["admin_a"], region=tree_a["street"])
        assert street["total"] == 2
        assert counts(street["by_credit_list"]) == {"abnormal": 0, "serious": 0, "none": 2}
        # A street user's stats cover only their street, whatever they ask for.
        assert selectors.organization_stats(user=users["street2_a"])["total"] == 1
        with pytest.raises(Http404):
            selectors.organization_stats(user=users["street2_a"], region=tree_a["street"])
        assert selectors.organization_stats(user=users["expert_a"])["total"] == 0


def test_stats_region_of_other_tenant_is_404(tree_a, tree_b, users, orgs):
    with tenant_context(tree_a["tenant"]):
        with pytest.raises(Http404):
            selectors.organization_stats(user=users["admin_a"], region=tree_b["street"].pk)


# --- filings, reports, credit records, change requests, imports ------------------------------


def test_filing_list_scoping(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        f1 = FilingFactory(region=tree_a["community"])
        f2 = FilingFactory(region=tree_a["community2"], status=FilingStatus.COMMUNITY_APPROVED)
        assert set(selectors.filing_list(user=users["admin_a"])) == {f1, f2}
        assert set(selectors.filing_list(user=users["community_a"])) == {f1}
        assert set(selectors.filing_list(user=users["admin_a"], status=FilingStatus.COMMUNITY_APPROVED)) == {f2}
        assert selectors.filing_get_for_user(user=users["street_a"], pk=f1.pk) == f1
        with pytest.raises(Http404):
            selectors.filing_get_for_user(user=users["street_a"], pk=f2.pk)
        MembershipFactory(organization=f2.organization, user=users["org_a"])
        assert set(selectors.filing_list(user=users["org_a"])) == {f2}


def test_annual_report_list_filters_and_scoping(tree_a, users, orgs):
    with tenant_context(tree_a["tenant"]):
        past = TODAY - datetime.timedelta(days=10)
        overdue = AnnualReportFactory(organization=orgs["a1"], year=2024, due_date=past)
        reviewed = AnnualReportFactory(organization=orgs["a1"], year=2023, due_date=past,
                                       status=ReportStatus.REVIEWED, conclusion=Conclusion.QUALIFIED)
        future = AnnualReportFactory(organization=orgs["a2"], year=2024, due_date=TODAY + datetime.timedelta(days=5))
        admin = users["admin_a"]

        def ids(filters=None, user=admin):
            return {r.pk for r in selectors.annual_report_list(user=user, filters=filters)}

        assert ids() == {overdue.pk, reviewed.pk, future.pk}
        assert ids(user=users["street_a"]) == {overdue.pk, reviewed.pk}
        assert ids({"year": 2024}) == {overdue.pk, future.pk}
        assert ids({"status": ReportStatus.REVIEWED}) == {reviewed.pk}
        assert ids({"conclusion": Conclusion.QUALIFIED}) == {reviewed.pk}
        assert ids({"q": "儿童"}) == {future.pk}
        assert ids({"overdue": True}) == {overdue.pk}
        assert ids({"overdue": "false"}) == {reviewed.pk, future.pk}
        assert ids(user=users["org_a"]) == set()
        with pytest.raises(Http404):
            selectors.annual_report_get_for_user(user=users["street_a"], pk=future.pk)
        assert selectors.annual_report_get_for_user(user=admin, pk=future.pk) == future


def test_credit_record_list_filters(tree_a, users, orgs):
    with tenant_context(tree_a["tenant"]):
        active = CreditRecordFactory(organization=orgs["a1"])
        removed = CreditRecordFactory(organization=orgs["a1"], removed_on=datetime.date(2024, 5, 1))
        serious = CreditRecordFactory(organization=orgs["a2"], list_type=CreditList.SERIOUS,
                                      reason=CreditReason.COURT_DEFAULTER)
        admin = users["admin_a"]

        def ids(filters=None, user=admin):
            return {r.pk for r in selectors.credit_record_list(user=user, filters=filters)}

        assert ids() == {active.pk, removed.pk, serious.pk}
        assert ids({"list_type": CreditList.SERIOUS}) == {serious.pk}
        assert ids({"active": True}) == {active.pk, serious.pk}
        assert ids({"active": False}) == {removed.pk}
        assert ids({"reason": CreditReason.COURT_DEFAULTER}) == {serious.pk}
        assert ids({"organization": orgs["a1"].pk}) == {active.pk, removed.pk}
        assert ids(user=users["street2_a"]) == {serious.pk}
        with pytest.raises(Http404):
            selectors.credit_record_get_for_user(user=users["street2_a"], pk=active.pk)


def test_campaign_and_change_request_lists(tree_a, users, orgs):
    from orgs.models import InspectionCampaign

    with tenant_context(tree_a["tenant"]):
        campaign = InspectionCampaign.objects.create(year=2024, due_date=datetime.date(2025, 5, 31))
        AnnualReportFactory(organization=orgs["a1"], campaign=campaign)
        assert [c.pk for c in selectors.campaign_list(user=users["street_a"])] == [campaign.pk]
        assert list(selectors.campaign_list(user=users["org_a"])) == []
        cr1 = OrgChangeRequest.objects.create(organization=orgs["a1"], changes={"name": ["x", "y"]})
        cr2 = OrgChangeRequest.objects.create(organization=orgs["a2"], changes={"name": ["x", "y"]},
                                              status="approved")
        assert set(selectors.change_request_list(user=users["admin_a"])) == {cr1, cr2}
        assert set(selectors.change_request_list(user=users["admin_a"], status="pending")) == {cr1}
        assert set(selectors.change_request_list(user=users["street2_a"])) == {cr2}
        with pytest.raises(Http404):
            selectors.change_request_get_for_user(user=users["street2_a"], pk=cr1.pk)


def test_import_job_get_for_user(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        job = ImportJob.objects.create(importer=IMPORTER_KEY, original_name="orgs.xlsx", created_by=users["street_a"])
        assert import_selectors.import_job_get_for_user(user=users["street_a"], pk=job.pk) == job
        assert import_selectors.import_job_get_for_user(user=users["admin_a"], pk=job.pk) == job
        for other in ("street2_a", "community_a", "auditor_a"):
            with pytest.raises(Http404):
                import_selectors.import_job_get_for_user(user=users[other], pk=job.pk)


# --- evaluation eligibility and bands --------------------------------------------------------


@pytest.fixture
def eligible_org(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"], registered_date=datetime.date(2020, 6, 1))
        for year in (2023, 2024):
            AnnualReportFactory(organization=org, year=year, status=ReportStatus.REVIEWED,
                                conclusion=Conclusion.BASICALLY_QUALIFIED)
    return org


ON = datetime.date(2025, 8, 1)


def reasons(tree_a, org, on_date=ON):
    with tenant_context(tree_a["tenant"]):
        return selectors.grade_eligibility(organization=org, on_date=on_date)


def test_grade_eligibility_ok(tree_a, eligible_org):
    assert reasons(tree_a, eligible_org) == []


def test_grade_eligibility_two_full_years(tree_a, eligible_org):
    with tenant_context(tree_a["tenant"]):
        eligible_org.registered_date = datetime.date(2023, 8, 1)
    assert reasons(tree_a, eligible_org) == []  # exactly two years: eligible
    eligible_org.registered_date = datetime.date(2023, 8, 2)
    assert len(reasons(tree_a, eligible_org)) == 1
    eligible_org.registered_date = None
    assert len(reasons(tree_a, eligible_org)) == 1


def test_grade_eligibility_status(tree_a, eligible_org):
    eligible_org.status = OrgStatus.SUSPENDED
    assert len(reasons(tree_a, eligible_org)) == 1


def test_grade_eligibility_reports(tree_a, eligible_org):
    with tenant_context(tree_a["tenant"]):
        report_2024 = eligible_org.annual_reports.get(year=2024)
        report_2024.status = ReportStatus.SUBMITTED
        report_2024.save(update_fields=["status"])
        eligible_org.annual_reports.filter(year=2023).update(conclusion=Conclusion.UNQUALIFIED)
    found = reasons(tree_a, eligible_org)
    assert len(found) == 2
    assert any("2024" in r for r in found) and any("2023" in r for r in found)
    with tenant_context(tree_a["tenant"]):
        eligible_org.annual_reports.filter(year=2023).delete()
    assert any("2023" in r for r in reasons(tree_a, eligible_org))


def test_grade_eligibility_serious_list(tree_a, eligible_org):
    with tenant_context(tree_a["tenant"]):
        CreditRecordFactory(organization=eligible_org, list_type=CreditList.ABNORMAL)
    assert reasons(tree_a, eligible_org) == []  # the abnormal list does not bar evaluation
    with tenant_context(tree_a["tenant"]):
        CreditRecordFactory(organization=eligible_org, list_type=CreditList.SERIOUS,
                            reason=CreditReason.LARGE_FINE)
    assert len(reasons(tree_a, eligible_org)) == 1


def test_grade_for_score_default_and_configured(tree_a):
    tenant = tree_a["tenant"]
    with tenant_context(tenant):
        assert selectors.grade_for_score(tenant=tenant, score=1000) == "5A"
        assert selectors.grade_for_score(tenant=tenant, score=900) == "5A"
        assert selectors.grade_for_score(tenant=tenant, score=899) == "4A"
        assert selectors.grade_for_score(tenant=tenant, score=700) == "3A"
        assert selectors.grade_for_score(tenant=tenant, score=600) == "2A"
        assert selectors.grade_for_score(tenant=tenant, score=0) == "1A"
        # An incomplete configuration is ignored rather than producing gaps.
        GradeBand.objects.create(grade="5A", min_score=950)
        assert selectors.grade_for_score(tenant=tenant, score=920) == "5A"
        for grade, bound in (("4A", 850), ("3A", 750), ("2A", 650), ("1A", 100)):
            GradeBand.objects.create(grade=grade, min_score=bound)
        assert selectors.grade_for_score(tenant=tenant, score=920) == "4A"
        assert selectors.grade_for_score(tenant=tenant, score=749) == "2A"
        assert selectors.grade_for_score(tenant=tenant, score=50) == "1A"
