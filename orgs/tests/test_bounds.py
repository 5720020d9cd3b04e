"""Dead ends and unbounded input (issue 7 item 9): no pending organization without a filing, every free
text bounded, no dates of establishment or registration in the future. A refusal changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.models import AuditEvent
from governance.tenancy import tenant_context
from orgs import services
from orgs.models import AnnualReport, Organization
from orgs.models.limits import LONG_TEXT
from orgs.tests.factories import AnnualReportFactory, MembershipFactory, OrganizationFactory, uscc_for

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def _payload(tree, **extra):
    return {"region": tree["community"].pk, "name": "珠晖区为老服务中心", "kind": "service_institution",
            "uscc": uscc_for(77, "service_institution"), "legal_representative": "王五", **extra}


def _refused(api, body, field):
    with tenant_context(api.tenant):
        organizations, events = Organization.objects.count(), AuditEvent.objects.count()
    response = api.post("/api/v1/orgs/", body, format="json")
    assert response.status_code == 400, response.content
    extra = response.json()["extra"]
    extra = extra.get("fields", extra)  # field errors, whichever envelope version
    assert field in extra, response.json()
    with tenant_context(api.tenant):
        assert (Organization.objects.count(), AuditEvent.objects.count()) == (organizations, events)
    return extra


@pytest.fixture
def street_api(api_for, users, tree_a):
    api = api_for(users["street_a"])
    api.tenant = tree_a["tenant"]
    return api


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_api_create_refuses_the_filing_workflow_statuses(street_api, tree_a, status):
    _refused(street_api, _payload(tree_a, status=status), "status")


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_service_create_refuses_the_filing_workflow_statuses(tree_a, users, status):
    with tenant_context(tree_a["tenant"]):
        with pytest.raises(ValidationError) as info:
            services.organization_create(actor=users["street_a"], region=tree_a["community"], name="广场舞队",
                                         kind="community_group", legal_representative="赵六", status=status)
        assert "status" in info.value.message_dict
        assert not Organization.objects.exists() and not AuditEvent.objects.filter(
            action="organization.create").exists()


@pytest.mark.parametrize("field", ["established_date", "registered_date"])
def test_api_create_refuses_a_date_in_the_future(street_api, tree_a, field):
    extra = _refused(street_api, _payload(tree_a, **{field: TOMORROW.isoformat()}), field)
    assert "晚于今天" in str(extra[field]) or "future" in str(extra[field])


def test_active_creation_still_works(street_api, tree_a):
    response = street_api.post("/api/v1/orgs/", _payload(tree_a, established_date="2020-01-01"),
                               format="json")
    assert response.status_code == 201, response.content


def test_update_refuses_a_future_establishment_date(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
        events = AuditEvent.objects.count()
        with pytest.raises(ValidationError) as info:
            # A registered association's dates are the registration authority's to change (issue 7 item 11).
            services.organization_update(actor=users["admin_a"], organization=org, established_date=TOMORROW)
        assert "established_date" in info.value.message_dict
        org.refresh_from_db()
        assert org.established_date != TOMORROW and AuditEvent.objects.count() == events


def test_a_six_million_character_summary_is_refused_and_not_audited(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
        MembershipFactory(organization=org, user=users["org_a"])
        report = AnnualReportFactory(organization=org, due_date=timezone.localdate() + datetime.timedelta(days=30))
        events, before = AuditEvent.objects.count(), report.activities_summary
        with pytest.raises(ValidationError) as info:
            services.annual_report_save(actor=users["org_a"], report=report, activities_summary="活" * 6_000_000)
        assert "activities_summary" in info.value.message_dict
        assert AnnualReport.objects.get(pk=report.pk).activities_summary == before
        assert AuditEvent.objects.count() == events
        services.annual_report_save(actor=users["org_a"], report=report, activities_summary="活" * LONG_TEXT)
        assert len(AnnualReport.objects.get(pk=report.pk).activities_summary) == LONG_TEXT


def test_api_and_form_fields_carry_the_bound():
    from orgs.api.serializers import OrganizationInputSerializer  # noqa: F401 - the module imports cleanly
    from orgs.models import Filing

    assert AnnualReport._meta.get_field("activities_summary").formfield().max_length == LONG_TEXT
    assert Filing._meta.get_field("rejection_reason").formfield().max_length == 2_000


def test_an_empty_annual_report_cannot_be_submitted(tree_a, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from governance.exceptions import ApplicationError
    from orgs.models import ReportStatus

    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
        MembershipFactory(organization=org, user=users["org_a"])
        report = AnnualReportFactory(organization=org, activities_summary="", spending=0,
                                     due_date=timezone.localdate() + datetime.timedelta(days=30))
        events = AuditEvent.objects.count()
        with pytest.raises(ApplicationError) as info:
            services.annual_report_submit(actor=users["org_a"], report=report)
        assert len(info.value.extra["missing"]) == 2  # the summary, and figures or a statement
        assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.OPEN
        assert AuditEvent.objects.count() == events
        services.annual_report_save(actor=users["org_a"], report=report, activities_summary="开展活动 3 场")
        with pytest.raises(ApplicationError) as info:
            services.annual_report_submit(actor=users["org_a"], report=report)
        assert len(info.value.extra["missing"]) == 1
        # A group with no money at all attaches its statement instead of figures.
        services.report_attachment_add(actor=users["org_a"], report=report,
                                       uploaded_file=SimpleUploadedFile("财务报表.pdf", b"%PDF-1.4 statement"))
        services.annual_report_submit(actor=users["org_a"], report=report)
        assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_the_report_page_lists_what_is_missing_in_chinese(tree_a, users, client_for):
    from django.urls import reverse

    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
        MembershipFactory(organization=org, user=users["org_a"])
        report = AnnualReportFactory(organization=org, activities_summary="", spending=0,
                                     due_date=timezone.localdate() + datetime.timedelta(days=30))
    data = {name: "0" for name in ("income_government", "income_donations", "income_dues", "income_services",
                                   "income_other", "spending", "net_assets")}
    response = client_for(users["org_a"]).post(reverse("orgs:report-edit", args=[report.pk]),
                                               {**data, "activities_summary": "", "submit": "1"}, follow=True)
    page = response.content.decode()
    assert "活动情况" in page or "活动" in page
    assert "尚不能提交" in page
    with tenant_context(tree_a["tenant"]):
        assert AnnualReport.objects.get(pk=report.pk).status == "open"
