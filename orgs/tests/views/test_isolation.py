"""Workflow pages across tenants and jurisdictions: another tenant's ids are 404, files access-checked."""

from __future__ import annotations

from django.urls import reverse

from governance.tenancy import tenant_context
from orgs.models import ChangeRequestStatus, FilingStatus
from orgs.tests.factories import AnnualReportFactory, CreditRecordFactory, FilingFactory
from orgs.tests.views.support import body, change_request_for, refresh


def test_tenant_b_gets_404_on_every_page_with_a_tenant_a_id(tree_a, users, client_for, member_org):
    with tenant_context(tree_a["tenant"]):
        filing = FilingFactory(region=tree_a["community"])
        report = AnnualReportFactory(organization=member_org)
        record = CreditRecordFactory(organization=member_org)
    change_request = change_request_for(tree_a, member_org, users["org_a"], name="新名称协会")
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
