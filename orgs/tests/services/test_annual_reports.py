"""Campaign and annual report services (年报): opening, filling in, the workflow, attachments."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.exceptions import ApplicationError
from governance.models import AuditEvent
from orgs import services
from orgs.models import AnnualReport, Conclusion, OrgStatus, ReportAttachment, ReportStatus
from orgs.tests.factories import AnnualReportFactory, OrganizationFactory, audit_actions_since, audit_marker
from orgs.tests.services.support import TODAY, Unchanged


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
