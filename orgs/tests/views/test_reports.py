"""Annual report and campaign pages through HTTP (年报): campaign to review, roles, attachments, lists."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from governance.tenancy import tenant_context
from orgs.models import AnnualReport, Conclusion, ReportAttachment, ReportStatus
from orgs.tests.factories import AnnualReportFactory, OrganizationFactory
from orgs.tests.views.support import EN, body, changes_of, make_org, refresh, report_data


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


def test_report_list_query_budget(tree_a, users, client_for, query_budget):
    client, url = client_for(users["street_a"]), reverse("orgs:report-list")

    def make_rows(count: int) -> None:
        with tenant_context(tree_a["tenant"]):
            for index in range(count):
                AnnualReportFactory(organization=OrganizationFactory(
                    region=tree_a["community_other" if index % 2 else "community"]), year=2023 + index % 2)

    # + 1: the options of the region filter
    query_budget(make_rows, lambda: client.get(url), expected=7, rows=lambda response: len(response.context["page"].object_list))


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
