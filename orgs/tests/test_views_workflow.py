"""Workflow pages through HTTP: filings, annual reports, grades, credit lists, change requests.

Every wrong role gets a 404 (cannot see the object or open the page) or a refusal message (can see
it, may not take the step), and nothing changes. Lists keep a constant number of queries.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import StatusChange
from governance.tenancy import tenant_context
from orgs import services
from orgs.models import (
    AnnualReport,
    ChangeRequestStatus,
    Conclusion,
    CreditList,
    CreditReason,
    CreditRecord,
    EvaluationGrade,
    Filing,
    FilingStatus,
    Organization,
    OrgChangeRequest,
    OrgStatus,
    ReportAttachment,
    ReportStatus,
)
from orgs.tests.factories import (
    AnnualReportFactory,
    CreditRecordFactory,
    FilingFactory,
    MembershipFactory,
    OrganizationFactory,
)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}  # assert on the English source strings


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def body(response) -> str:
    return response.content.decode()


def make_org(tree, region_key="community", **fields) -> Organization:
    with tenant_context(tree["tenant"]):
        return OrganizationFactory(region=tree[region_key], **fields)


def refresh(tree, obj):
    with tenant_context(tree["tenant"]):
        obj.refresh_from_db()
        if isinstance(obj, Filing):
            obj.organization  # noqa: B018 - load it inside the tenant (RLS hides it outside)
    return obj


def filing_data(tree, **overrides) -> dict:
    data = {
        "region": tree["community"].pk, "name": "建设社区夕阳红志愿服务队", "legal_representative": "王芳",
        "contact_person": "王芳", "contact_phone": "13800000000", "email": "", "address": "建设路8号",
        "established_date": "2023-05-01", "supervising_unit": "建设社区居委会", "volunteers": "25",
        "domains": ["elderly", "volunteering"],
    }
    data.update(overrides)
    return data


def transition(client, filing, to, note="", **extra):
    return client.post(reverse("orgs:filing-transition", args=[filing.pk]), {"to": to, "note": note},
                       follow=True, **EN, **extra)


def changes_of(tree, obj) -> int:
    with tenant_context(tree["tenant"]):
        return StatusChange.objects.filter(object_id=str(obj.pk), workflow__in=["filing", "annual_report"]).count()


# --- filings ---------------------------------------------------------------------------------


def test_filing_end_to_end_community_then_street(tree_a, users, client_for):
    community, street = client_for(users["community_a"]), client_for(users["street_a"])
    assert community.get(reverse("orgs:filing-create")).status_code == 200

    response = community.post(reverse("orgs:filing-create"), filing_data(tree_a), follow=True, **EN)
    assert response.status_code == 200
    assert "Filing application submitted" in body(response)
    with tenant_context(tree_a["tenant"]):
        filing = Filing.objects.select_related("organization").get()
        assert filing.status == FilingStatus.SUBMITTED
        assert filing.organization.status == OrgStatus.PENDING
        assert sorted(filing.organization.domains.values_list("domain", flat=True)) == ["elderly", "volunteering"]
    assert response.redirect_chain[-1][0] == reverse("orgs:filing-detail", args=[filing.pk])

    # The street may not take the community's step: no button, and a refused POST changes nothing.
    page = body(street.get(reverse("orgs:filing-detail", args=[filing.pk]), **EN))
    assert "Approve (community review)" not in page and 'value="filed"' not in page
    response = transition(street, filing, FilingStatus.COMMUNITY_APPROVED)
    assert "You are not allowed to take this step." in body(response)
    assert refresh(tree_a, filing).status == FilingStatus.SUBMITTED

    page = body(community.get(reverse("orgs:filing-detail", args=[filing.pk]), **EN))
    assert "Approve (community review)" in page and "Reject" in page and "data-confirm" in page
    response = transition(community, filing, FilingStatus.COMMUNITY_APPROVED, "材料齐全")
    assert "Approved by the community" in body(response)
    assert refresh(tree_a, filing).status == FilingStatus.COMMUNITY_APPROVED

    # The community cannot do the street step.
    page = body(community.get(reverse("orgs:filing-detail", args=[filing.pk]), **EN))
    assert "Approve filing (street)" not in page and "Your decision" not in page
    response = transition(community, filing, FilingStatus.FILED)
    assert "You are not allowed to take this step." in body(response)
    assert refresh(tree_a, filing).status == FilingStatus.COMMUNITY_APPROVED

    page = body(street.get(reverse("orgs:filing-detail", args=[filing.pk]), **EN))
    assert "Approve filing (street)" in page
    response = transition(street, filing, FilingStatus.FILED)
    org = refresh(tree_a, filing.organization)
    assert refresh(tree_a, filing).status == FilingStatus.FILED
    assert org.status == OrgStatus.ACTIVE and org.filing_number and org.registered_date == timezone.localdate()
    assert org.filing_number in body(response)
    # The history lists every step with its note.
    assert "材料齐全" in body(response) and body(response).count("→") >= 2

    # Double submission: the second POST is refused with a clear message and changes nothing.
    before = changes_of(tree_a, filing)
    response = transition(street, filing, FilingStatus.FILED)
    assert "This step is not possible" in body(response)
    assert changes_of(tree_a, filing) == before
    assert refresh(tree_a, filing.organization).filing_number == org.filing_number


def test_org_user_submits_a_filing_and_follows_it(tree_a, users, client_for):
    client = client_for(users["org_a"])
    response = client.post(reverse("orgs:filing-create"), filing_data(tree_a, name="和平社区棋牌协会"),
                           follow=True, **EN)
    assert response.status_code == 200 and "和平社区棋牌协会" in body(response)
    with tenant_context(tree_a["tenant"]):
        filing = Filing.objects.get()
    assert "Your decision" not in body(response)  # the applicant cannot decide
    response = transition(client, filing, FilingStatus.COMMUNITY_APPROVED)
    assert "You are not allowed to take this step." in body(response)
    assert refresh(tree_a, filing).status == FilingStatus.SUBMITTED
    # The applicant sees the filing in its list and in the portal.
    assert "和平社区棋牌协会" in body(client.get(reverse("orgs:filing-list")))
    assert "和平社区棋牌协会" in body(client.get(reverse("orgs:portal")))


def test_rejection_needs_a_reason(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        filing = FilingFactory(region=tree_a["community"], submitted_by=users["org_a"])
    community = client_for(users["community_a"])
    response = transition(community, filing, FilingStatus.REJECTED, "  ")
    assert "Please give a reason." in body(response)
    assert refresh(tree_a, filing).status == FilingStatus.SUBMITTED

    response = transition(community, filing, FilingStatus.REJECTED, "名称与已备案组织重复")
    filing = refresh(tree_a, filing)
    assert filing.status == FilingStatus.REJECTED and filing.rejection_reason == "名称与已备案组织重复"
    assert refresh(tree_a, filing.organization).status == OrgStatus.REJECTED
    assert "名称与已备案组织重复" in body(response)


def test_filing_form_errors_stay_on_the_form(tree_a, users, client_for):
    client = client_for(users["community_a"])
    page = body(client.get(reverse("orgs:filing-create")))
    # Only the user's own community (and no other street's) is offered.
    assert f'value="{tree_a["community"].pk}"' in page
    assert f'value="{tree_a["community2"].pk}"' not in page and f'value="{tree_a["grid"].pk}"' not in page

    response = client.post(reverse("orgs:filing-create"), filing_data(tree_a, region=tree_a["community2"].pk,
                                                                      name=""), **EN)
    assert response.status_code == 200
    assert "is-invalid" in body(response) and "Select a valid choice" in body(response)
    # A business rule from the service (a second filing with the same name) shows on the form too.
    client.post(reverse("orgs:filing-create"), filing_data(tree_a))
    response = client.post(reverse("orgs:filing-create"), filing_data(tree_a), **EN)
    assert response.status_code == 200 and "is already under review" in body(response)
    with tenant_context(tree_a["tenant"]):
        assert Filing.objects.count() == 1


def test_wrong_roles_get_404_or_a_refusal_and_nothing_changes(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        filing = FilingFactory(region=tree_a["community"])
    detail = reverse("orgs:filing-detail", args=[filing.pk])
    move = reverse("orgs:filing-transition", args=[filing.pk])
    for name in ("street2_a", "grid_a", "expert_a", "admin_b", "street_b"):
        client = client_for(users[name])
        assert client.get(detail).status_code == 404, name
        assert client.post(move, {"to": FilingStatus.COMMUNITY_APPROVED}).status_code == 404, name
    for name in ("grid_a", "expert_a", "auditor_a", "party_a", "norole_a"):
        assert client_for(users[name]).get(reverse("orgs:filing-create")).status_code == 404, name
        assert client_for(users[name]).post(reverse("orgs:filing-create"), filing_data(tree_a)).status_code == 404
    # The auditor sees the filing but may not decide.
    auditor = client_for(users["auditor_a"])
    assert "Your decision" not in body(auditor.get(detail, **EN))
    assert "You are not allowed" in body(transition(auditor, filing, FilingStatus.COMMUNITY_APPROVED))
    assert client_for(users["community_a"]).get(move).status_code == 405  # POST only
    assert refresh(tree_a, filing).status == FilingStatus.SUBMITTED
    assert changes_of(tree_a, filing) == 0
    with tenant_context(tree_a["tenant"]):
        assert Filing.objects.count() == 1


def test_invalid_transition_is_refused_with_a_message(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        filing = FilingFactory(region=tree_a["community"], status=FilingStatus.FILED)
    for name, to in (("community_a", FilingStatus.COMMUNITY_APPROVED), ("street_a", FilingStatus.REJECTED),
                     ("street_a", "nonsense")):
        response = transition(client_for(users[name]), filing, to, "x")
        assert "This step is not possible" in body(response), (name, to)
        assert refresh(tree_a, filing).status == FilingStatus.FILED


def test_filing_list_tabs_and_filter(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        FilingFactory(region=tree_a["community"], organization__name="甲队")
        FilingFactory(region=tree_a["community"], organization__name="乙队", status=FilingStatus.FILED)
        FilingFactory(region=tree_a["community2"], organization__name="丙队")
    client = client_for(users["street_a"])
    page = body(client.get(reverse("orgs:filing-list"), **EN))
    assert "甲队" in page and "乙队" in page and "丙队" not in page
    assert "?status=filed" in page
    page = body(client.get(reverse("orgs:filing-list"), {"status": "filed"}, **EN))
    assert "乙队" in page and "甲队" not in page
    # The tabs link the workflow pages the user may open.
    assert reverse("orgs:credit-list") in page and reverse("orgs:change-request-list") in page
    assert reverse("orgs:portal") not in page
    page = body(client_for(users["community_a"]).get(reverse("orgs:filing-list"), **EN))
    assert "Your decision" in page  # 甲队 waits for the community
    assert client_for(users["expert_a"]).get(reverse("orgs:filing-list")).status_code == 404


def _query_count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_filing_list_query_budget(tree_a, users, client_for):
    client, url = client_for(users["street_a"]), reverse("orgs:filing-list")
    with tenant_context(tree_a["tenant"]):
        for _ in range(3):
            FilingFactory(region=tree_a["community"])
    small = _query_count(client, url)
    with tenant_context(tree_a["tenant"]):
        for index in range(22):
            FilingFactory(region=tree_a["community_other" if index % 2 else "community"],
                          status=FilingStatus.COMMUNITY_APPROVED if index % 3 else FilingStatus.SUBMITTED)
    assert _query_count(client, url) == small


# --- annual reports --------------------------------------------------------------------------


def report_data(**overrides) -> dict:
    data = {"income_government": "120000.00", "income_donations": "3000", "income_dues": "0",
            "income_services": "1500.50", "income_other": "0", "spending": "98000", "net_assets": "42000",
            "activities_summary": "全年开展助老活动 36 场", "party_building_report": "成立联合党支部"}
    data.update(overrides)
    return data


@pytest.fixture
def member_org(tree_a, users):
    """An active organization in 建设社区 with org_a as its member."""
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"], name="建设社区为老服务中心")
        MembershipFactory(organization=org, user=users["org_a"])
    return org


def test_annual_report_campaign_to_review(tree_a, users, client_for, member_org):
    make_org(tree_a, "community2", name="光明社区文体协会")
    street, org_user = client_for(users["street_a"]), client_for(users["org_a"])
    community = client_for(users["community_a"])
    due = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    year = timezone.localdate().year - 1

    assert community.post(reverse("orgs:campaign-open"), {"year": year, "due_date": due}).status_code == 404
    # The street confirms the count of its own organizations first (the one in 光明社区 is another street's).
    response = street.post(reverse("orgs:campaign-open"), {"year": year, "due_date": due}, **EN)
    assert f"This opens the {year} annual report for 1 organization." in body(response)
    with tenant_context(tree_a["tenant"]):
        assert not AnnualReport.objects.filter(year=year).exists()
    confirmed = {"year": year, "due_date": due, "confirm": "1"}
    response = street.post(reverse("orgs:campaign-open"), confirmed, follow=True, **EN)
    assert f"Campaign {year} is open: 1 new annual report was opened." in body(response)
    response = street.post(reverse("orgs:campaign-open"), confirmed, follow=True, **EN)
    assert "no new report was opened" in body(response)
    with tenant_context(tree_a["tenant"]):
        assert AnnualReport.objects.filter(year=year).count() == 1
        report = AnnualReport.objects.get(organization=member_org, year=year)
    # The campaign page counts the reports of the street's jurisdiction only.
    page = body(street.get(reverse("orgs:campaign-list"), **EN))
    assert "1 report" in page and str(year) in page

    # The organization fills in and submits its report.
    response = org_user.post(reverse("orgs:report-edit", args=[report.pk]), {**report_data(), "submit": "1"},
                             follow=True, **EN)
    assert "saved and submitted" in body(response)
    report = refresh(tree_a, report)
    assert report.status == ReportStatus.SUBMITTED and report.income_government == 120000
    assert "124,500.50" in body(response)  # total income, with grouping and 2 decimals
    # Submitted: no more editing.
    response = org_user.get(reverse("orgs:report-edit", args=[report.pk]), follow=True, **EN)
    assert "can no longer be changed" in body(response)

    # Staff return it, with a note (required).
    action = reverse("orgs:report-action", args=[report.pk, "return"])
    response = community.post(action, {"note": ""}, follow=True, **EN)
    assert "Please say what needs correcting." in body(response)
    assert refresh(tree_a, report).status == ReportStatus.SUBMITTED
    response = community.post(action, {"note": "捐赠收入缺少票据"}, follow=True, **EN)
    assert "returned to the organization" in body(response)
    assert refresh(tree_a, report).status == ReportStatus.RETURNED

    # The organization corrects and resubmits.
    page = body(org_user.get(reverse("orgs:report-detail", args=[report.pk]), **EN))
    assert "捐赠收入缺少票据" in page and "Submit for review" in page
    org_user.post(reverse("orgs:report-edit", args=[report.pk]), report_data(income_donations="2800"))
    response = org_user.post(reverse("orgs:report-action", args=[report.pk, "submit"]), follow=True, **EN)
    assert "submitted for review" in body(response)
    assert refresh(tree_a, report).status == ReportStatus.SUBMITTED

    # The organization may not review its own report; the street reviews with a conclusion.
    review = reverse("orgs:report-action", args=[report.pk, "review"])
    response = org_user.post(review, {"conclusion": Conclusion.QUALIFIED}, follow=True, **EN)
    assert "You are not allowed to take this step." in body(response)
    response = street.post(review, {"conclusion": ""}, follow=True, **EN)
    assert "Choose a conclusion." in body(response)
    assert refresh(tree_a, report).status == ReportStatus.SUBMITTED
    response = street.post(review, {"conclusion": Conclusion.BASICALLY_QUALIFIED, "note": "票据已补"},
                           follow=True, **EN)
    report = refresh(tree_a, report)
    assert report.status == ReportStatus.REVIEWED and report.conclusion == Conclusion.BASICALLY_QUALIFIED
    assert "Basically qualified" in body(response)
    # A second review is refused and changes nothing.
    before = changes_of(tree_a, report)
    response = street.post(review, {"conclusion": Conclusion.UNQUALIFIED}, follow=True, **EN)
    assert "This step is not possible" in body(response)
    assert refresh(tree_a, report).conclusion == Conclusion.BASICALLY_QUALIFIED
    assert changes_of(tree_a, report) == before


def test_report_wrong_roles(tree_a, users, client_for, member_org):
    with tenant_context(tree_a["tenant"]):
        report = AnnualReportFactory(organization=member_org, status=ReportStatus.SUBMITTED)
    urls = [reverse("orgs:report-detail", args=[report.pk]), reverse("orgs:report-edit", args=[report.pk])]
    posts = [reverse("orgs:report-action", args=[report.pk, name]) for name in ("submit", "return", "review")]
    posts.append(reverse("orgs:report-attachment", args=[report.pk]))
    for name in ("street2_a", "grid_a", "expert_a", "norole_a", "admin_b"):
        client = client_for(users[name])
        for url in urls:
            assert client.get(url).status_code == 404, (name, url)
        for url in posts:
            assert client.post(url, {"note": "x", "conclusion": "qualified"}).status_code == 404, (name, url)
    # The auditor sees the report but cannot act on it.
    auditor = client_for(users["auditor_a"])
    page = body(auditor.get(urls[0], **EN))
    assert "Record conclusion" not in page and "Return for correction" not in page
    response = auditor.post(posts[2], {"conclusion": Conclusion.QUALIFIED}, follow=True, **EN)
    assert "You are not allowed" in body(response)
    assert refresh(tree_a, report).status == ReportStatus.SUBMITTED
    # Only the action names of the workflow exist.
    assert client_for(users["street_a"]).post(f"/orgs/reports/{report.pk}/delete/").status_code == 404


def test_report_attachment_upload(tree_a, users, client_for, member_org):
    with tenant_context(tree_a["tenant"]):
        report = AnnualReportFactory(organization=member_org)
    client = client_for(users["org_a"])
    url = reverse("orgs:report-attachment", args=[report.pk])
    response = client.post(url, {"file": SimpleUploadedFile("审计报告.pdf", b"%PDF-1.4 test")}, follow=True, **EN)
    assert "uploaded" in body(response) and "审计报告.pdf" in body(response)
    response = client.post(url, {"file": SimpleUploadedFile("run.exe", b"MZ")}, follow=True, **EN)
    assert "Allowed file types" in body(response)
    response = client.post(url, {}, follow=True, **EN)
    assert response.status_code == 200
    with tenant_context(tree_a["tenant"]):
        assert ReportAttachment.objects.filter(report=report).count() == 1


def test_report_list_filters_and_overdue(tree_a, users, client_for, member_org):
    other = make_org(tree_a, name="和平社区书画社", region_key="community_other")
    past = timezone.localdate() - datetime.timedelta(days=10)
    with tenant_context(tree_a["tenant"]):
        AnnualReportFactory(organization=member_org, year=2023, due_date=past, status=ReportStatus.REVIEWED,
                            conclusion=Conclusion.QUALIFIED)
        AnnualReportFactory(organization=other, year=2023, due_date=past)
    client = client_for(users["street_a"])
    page = body(client.get(reverse("orgs:report-list"), **EN))
    assert "table-danger" in page and "Overdue" in page
    page = body(client.get(reverse("orgs:report-list"), {"overdue": "1"}))
    assert "和平社区书画社" in page and "建设社区为老服务中心" not in page
    page = body(client.get(reverse("orgs:report-list"), {"conclusion": "qualified", "year": "2023"}))
    assert "建设社区为老服务中心" in page and "和平社区书画社" not in page
    page = body(client.get(reverse("orgs:report-list"), {"q": "书画"}))
    assert "和平社区书画社" in page and "建设社区为老服务中心" not in page
    # Organization users see only their own reports.
    page = body(client_for(users["org_a"]).get(reverse("orgs:report-list")))
    assert "建设社区为老服务中心" in page and "和平社区书画社" not in page


def test_report_list_query_budget(tree_a, users, client_for):
    client, url = client_for(users["street_a"]), reverse("orgs:report-list")
    with tenant_context(tree_a["tenant"]):
        for _ in range(3):
            AnnualReportFactory(organization=OrganizationFactory(region=tree_a["community"]))
    small = _query_count(client, url)
    with tenant_context(tree_a["tenant"]):
        for index in range(22):
            AnnualReportFactory(organization=OrganizationFactory(region=tree_a["community_other"]),
                                year=2023 + index % 2)
    assert _query_count(client, url) == small


def test_campaign_list_is_for_staff(tree_a, users, client_for):
    assert client_for(users["org_a"]).get(reverse("orgs:campaign-list")).status_code == 404
    assert client_for(users["expert_a"]).get(reverse("orgs:campaign-list")).status_code == 404
    page = body(client_for(users["community_a"]).get(reverse("orgs:campaign-list"), **EN))
    assert "Open campaign" not in page  # community staff read, the street opens
    page = body(client_for(users["street_a"]).get(reverse("orgs:campaign-list"), **EN))
    assert "Open campaign" in page
    response = client_for(users["street_a"]).post(reverse("orgs:campaign-open"), {"year": "1999", "due_date": ""},
                                                  **EN)
    assert response.status_code == 200 and "is-invalid" in body(response)
    assert client_for(users["street_a"]).get(reverse("orgs:campaign-open")).status_code == 405


# --- grades ----------------------------------------------------------------------------------


def _eligible_org(tree):
    org = make_org(tree, name="衡阳市阳光社工服务中心", registered_date=datetime.date(2015, 1, 1))
    year = timezone.localdate().year
    with tenant_context(tree["tenant"]):
        for y in (year - 1, year - 2):
            AnnualReportFactory(organization=org, year=y, status=ReportStatus.REVIEWED,
                                conclusion=Conclusion.QUALIFIED)
    return org


def test_grade_award(tree_a, users, client_for):
    org = _eligible_org(tree_a)
    client = client_for(users["street_a"])
    url = reverse("orgs:grade-award", args=[org.pk])
    page = body(client.get(url, **EN))
    assert "Eligible for evaluation" in page and "hx-get" in page
    preview = client.get(url, {"score": "905"}, HTTP_HX_REQUEST="true", **EN)
    assert "<html" not in body(preview) and "5A" in body(preview)
    assert "Enter a score" in body(client.get(url, {"score": "abc"}, HTTP_HX_REQUEST="true", **EN))

    response = client.post(url, {"score": "1200", "awarded_date": timezone.localdate().isoformat()}, **EN)
    assert response.status_code == 200 and "is-invalid" in body(response)
    response = client.post(url, {"score": "850", "awarded_date": timezone.localdate().isoformat(), "note": "复评"},
                           follow=True, **EN)
    assert "Grade 4A awarded" in body(response)
    with tenant_context(tree_a["tenant"]):
        grade = EvaluationGrade.objects.get(organization=org)
    assert grade.grade == "4A" and grade.score == 850

    for name in ("community_a", "street2_a", "org_a", "admin_b"):
        assert client_for(users[name]).get(url).status_code == 404, name


def test_grade_award_refused_when_not_eligible(tree_a, users, client_for):
    org = make_org(tree_a, registered_date=timezone.localdate() - datetime.timedelta(days=200))
    client = client_for(users["street_a"])
    url = reverse("orgs:grade-award", args=[org.pk])
    page = body(client.get(url, **EN))
    assert "Not eligible for evaluation" in page and "two full years" in page and "disabled" in page
    response = client.post(url, {"score": "950", "awarded_date": timezone.localdate().isoformat()}, **EN)
    assert response.status_code == 200 and "cannot be evaluated" in body(response)
    with tenant_context(tree_a["tenant"]):
        assert not EvaluationGrade.objects.filter(organization=org).exists()


# --- credit lists ----------------------------------------------------------------------------


def test_credit_add_remove_and_rectify(tree_a, users, client_for, member_org):
    street, org_user = client_for(users["street_a"]), client_for(users["org_a"])
    add = reverse("orgs:credit-add", args=[member_org.pk])
    assert client_for(users["community_a"]).get(add).status_code == 404
    assert street.get(add).status_code == 200
    # The reason select follows the chosen list (htmx fragment).
    fragment = body(street.get(add, {"list_type": "serious"}, HTTP_HX_REQUEST="true"))
    assert 'id="credit-reason"' in fragment and CreditReason.LARGE_FINE in fragment
    assert CreditReason.UNREACHABLE not in fragment

    today = timezone.localdate().isoformat()
    response = street.post(add, {"list_type": "abnormal", "reason": CreditReason.LARGE_FINE, "listed_on": today},
                           **EN)
    assert response.status_code == 200 and "is-invalid" in body(response)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = street.post(add, {"list_type": "abnormal", "reason": CreditReason.UNREACHABLE, "listed_on": future},
                           **EN)
    assert response.status_code == 200 and "cannot be in the future" in body(response)
    response = street.post(add, {"list_type": "abnormal", "reason": CreditReason.UNREACHABLE, "listed_on": today,
                                 "decision_number": "衡民决〔2025〕1号"}, follow=True, **EN)
    assert "Abnormal activities list" in body(response)
    with tenant_context(tree_a["tenant"]):
        record = CreditRecord.objects.get(organization=member_org)

    # The organization applies for removal from its portal; the street verifies.
    rectify = reverse("orgs:credit-rectify", args=[record.pk])
    page = body(org_user.get(reverse("orgs:portal"), **EN))
    assert "Apply for removal" in page
    response = org_user.post(rectify, {"action": "apply", "next": reverse("orgs:portal")}, follow=True, **EN)
    assert "Removal applied for" in body(response)
    assert response.redirect_chain[-1][0] == reverse("orgs:portal")
    response = org_user.post(rectify, {"action": "apply"}, follow=True, **EN)
    assert "already been applied for" in body(response)
    response = org_user.post(rectify, {"action": "verify"}, follow=True, **EN)
    assert "You may not manage" in body(response)
    assert refresh(tree_a, record).rectification_verified_on is None
    response = street.post(rectify, {"action": "verify", "next": "https://evil.example/"}, follow=True, **EN)
    assert "Rectification verified" in body(response)
    assert response.redirect_chain[-1][0] == reverse("orgs:credit-list")
    assert refresh(tree_a, record).rectification_verified_on == timezone.localdate()

    # Removal by staff, with a confirmation and a reason.
    remove = reverse("orgs:credit-remove", args=[record.pk])
    page = body(street.get(remove, **EN))
    assert "data-confirm" in page
    response = street.post(remove, {"removed_on": today, "reason": ""}, **EN)
    assert response.status_code == 200 and "is-invalid" in body(response)
    response = street.post(remove, {"removed_on": today, "reason": "已整改"}, follow=True, **EN)
    assert "was removed" in body(response)
    assert refresh(tree_a, record).removed_on == timezone.localdate()
    response = street.post(remove, {"removed_on": today, "reason": "again"}, **EN)
    assert "already been removed" in body(response)
    for name in ("org_a", "community_a", "street2_a", "admin_b"):
        assert client_for(users[name]).get(remove).status_code == 404, name


def test_serious_list_removal_rule_is_shown(tree_a, users, client_for, member_org):
    with tenant_context(tree_a["tenant"]):
        record = CreditRecordFactory(organization=member_org, list_type=CreditList.SERIOUS,
                                     reason=CreditReason.LARGE_FINE,
                                     listed_on=timezone.localdate() - datetime.timedelta(days=100))
    response = client_for(users["street_a"]).post(
        reverse("orgs:credit-remove", args=[record.pk]),
        {"removed_on": timezone.localdate().isoformat(), "reason": "申请移出"}, **EN)
    assert response.status_code == 200
    assert "Removal from the serious list is possible from" in body(response)
    assert refresh(tree_a, record).removed_on is None


def test_credit_list_filters(tree_a, users, client_for, member_org):
    other = make_org(tree_a, region_key="community2", name="光明社区舞蹈队")
    with tenant_context(tree_a["tenant"]):
        CreditRecordFactory(organization=member_org)
        CreditRecordFactory(organization=member_org, list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE,
                            removed_on=datetime.date(2025, 1, 1), removal_reason="x")
        CreditRecordFactory(organization=other)
    client = client_for(users["street_a"])
    page = body(client.get(reverse("orgs:credit-list"), **EN))
    assert "建设社区为老服务中心" in page and "光明社区舞蹈队" not in page
    assert page.count("<tr") == 3  # header + two entries
    page = body(client.get(reverse("orgs:credit-list"), {"list_type": "serious"}, **EN))
    assert page.count("<tr") == 2 and "Fine of" in page
    page = body(client.get(reverse("orgs:credit-list"), {"active": "1"}, **EN))
    assert page.count("<tr") == 2 and "Unreachable" in page
    page = body(client.get(reverse("orgs:credit-list"), {"reason": CreditReason.LARGE_FINE, "active": "1"}, **EN))
    assert "No credit-list entries match these filters." in page
    assert client_for(users["expert_a"]).get(reverse("orgs:credit-list")).status_code == 404


def test_credit_list_query_budget(tree_a, users, client_for):
    client, url = client_for(users["street_a"]), reverse("orgs:credit-list")
    with tenant_context(tree_a["tenant"]):
        for _ in range(3):
            CreditRecordFactory(organization=OrganizationFactory(region=tree_a["community"]))
    small = _query_count(client, url)
    with tenant_context(tree_a["tenant"]):
        for index in range(22):
            CreditRecordFactory(organization=OrganizationFactory(region=tree_a["community_other"]),
                                list_type=CreditList.SERIOUS if index % 2 else CreditList.ABNORMAL,
                                reason=CreditReason.LARGE_FINE if index % 2 else CreditReason.PARTY_ORG_NOT_SET)
    assert _query_count(client, url) == small


# --- change requests -------------------------------------------------------------------------


def _change_request(tree, org, user, **changes):
    with tenant_context(tree["tenant"]):
        return services.portal_update(actor=user, organization=org, **changes)[1]


def test_change_request_list_pending_first_and_decide(tree_a, users, client_for, member_org):
    old = _change_request(tree_a, member_org, users["org_a"], name="建设社区为老服务中心（旧）")
    client = client_for(users["community_a"])
    client.post(reverse("orgs:change-request-decide", args=[old.pk]), {"decision": "reject", "note": "不符合"})
    assert refresh(tree_a, old).status == ChangeRequestStatus.REJECTED
    new = _change_request(tree_a, member_org, users["org_a"], legal_representative="赵六")

    page = body(client.get(reverse("orgs:change-request-list"), **EN))
    assert page.index("赵六") < page.index("（旧）")  # pending first
    assert "Legal representative" in page and "张三" in page  # field label, current and requested values
    assert "Approve and apply" in page

    decide = reverse("orgs:change-request-decide", args=[new.pk])
    response = client.post(decide, {"decision": "reject", "note": ""}, follow=True, **EN)
    assert "Please give a reason." in body(response)
    assert refresh(tree_a, new).status == ChangeRequestStatus.PENDING
    for name in ("street2_a", "grid_a", "admin_b"):
        assert client_for(users[name]).post(decide, {"decision": "approve"}).status_code == 404, name
    response = client_for(users["org_a"]).post(decide, {"decision": "approve"}, follow=True, **EN)
    assert "You may not decide" in body(response)
    response = client.post(decide, {"decision": "approve"}, follow=True, **EN)
    assert "Change approved" in body(response)
    assert refresh(tree_a, member_org).legal_representative == "赵六"
    response = client.post(decide, {"decision": "approve"}, follow=True, **EN)
    assert "This step is not possible" in body(response)
    assert client_for(users["org_a"]).get(reverse("orgs:change-request-list")).status_code == 404


def test_change_request_list_query_budget(tree_a, users, client_for):
    client, url = client_for(users["street_a"]), reverse("orgs:change-request-list")
    with tenant_context(tree_a["tenant"]):
        orgs = [OrganizationFactory(region=tree_a["community"]) for _ in range(25)]
        for org in orgs:
            MembershipFactory(organization=org, user=users["org_a"])
    for org in orgs[:3]:
        _change_request(tree_a, org, users["org_a"], name=f"{org.name}新")
    small = _query_count(client, url)
    for org in orgs[3:]:
        _change_request(tree_a, org, users["org_a"], name=f"{org.name}新", supervising_unit="区民政局")
    with tenant_context(tree_a["tenant"]):
        assert OrgChangeRequest.objects.count() == 25
    assert _query_count(client, url) == small


# --- tenant isolation ------------------------------------------------------------------------


def test_tenant_b_gets_404_on_every_page_with_a_tenant_a_id(tree_a, users, client_for, member_org):
    with tenant_context(tree_a["tenant"]):
        filing = FilingFactory(region=tree_a["community"])
        report = AnnualReportFactory(organization=member_org)
        record = CreditRecordFactory(organization=member_org)
    change_request = _change_request(tree_a, member_org, users["org_a"], name="新名称协会")
    gets = [
        reverse("orgs:filing-detail", args=[filing.pk]), reverse("orgs:report-detail", args=[report.pk]),
        reverse("orgs:report-edit", args=[report.pk]), reverse("orgs:grade-award", args=[member_org.pk]),
        reverse("orgs:credit-add", args=[member_org.pk]), reverse("orgs:credit-remove", args=[record.pk]),
        reverse("orgs:portal-edit", args=[member_org.pk]),
    ]
    posts = [
        (reverse("orgs:filing-transition", args=[filing.pk]), {"to": "community_approved"}),
        (reverse("orgs:report-action", args=[report.pk, "submit"]), {}),
        (reverse("orgs:report-attachment", args=[report.pk]), {}),
        (reverse("orgs:grade-award", args=[member_org.pk]), {"score": "900", "awarded_date": "2024-01-01"}),
        (reverse("orgs:credit-add", args=[member_org.pk]), {"list_type": "abnormal", "reason": "unreachable",
                                                             "listed_on": "2024-01-01"}),
        (reverse("orgs:credit-remove", args=[record.pk]), {"removed_on": "2024-02-01", "reason": "x"}),
        (reverse("orgs:credit-rectify", args=[record.pk]), {"action": "apply"}),
        (reverse("orgs:change-request-decide", args=[change_request.pk]), {"decision": "approve"}),
        (reverse("orgs:portal-edit", args=[member_org.pk]), {"contact_person": "x"}),
    ]
    for name in ("admin_b", "street_b"):
        client = client_for(users[name])
        for url in gets:
            assert client.get(url).status_code == 404, (name, url)
        for url, data in posts:
            assert client.post(url, data).status_code == 404, (name, url)
        # Their own lists are empty of tenant A's rows.
        for url in ("orgs:filing-list", "orgs:report-list", "orgs:credit-list", "orgs:change-request-list"):
            response = client.get(reverse(url))
            assert response.status_code == 200 and member_org.name not in body(response)
    assert refresh(tree_a, filing).status == FilingStatus.SUBMITTED
    assert refresh(tree_a, change_request).status == ChangeRequestStatus.PENDING
    assert refresh(tree_a, record).rectification_applied_on is None


def test_attachment_download_is_access_checked(tree_a, users, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from governance.tenancy import tenant_context
    from orgs import services as org_services
    from orgs.tests.factories import AnnualReportFactory, MembershipFactory, OrganizationFactory

    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
        MembershipFactory(organization=org, user=users["org_a"])
        report = AnnualReportFactory(organization=org)
        attachment = org_services.report_attachment_add(
            actor=users["org_a"], report=report,
            uploaded_file=SimpleUploadedFile("审计报告.pdf", b"%PDF-1.4 test", content_type="application/pdf"))
    url = f"/orgs/reports/{report.pk}/attachments/{attachment.pk}/"
    response = client_for(users["org_a"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert client_for(users["street2_a"]).get(url).status_code == 404
    assert client_for(users["admin_b"]).get(url).status_code == 404
    assert client_for(users["street_a"]).get(f"/orgs/reports/{report.pk}/attachments/999999/").status_code == 404
