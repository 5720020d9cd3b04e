"""The organization portal through HTTP: own organization only, direct and approved changes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.tenancy import tenant_context
from orgs.models import ChangeRequestStatus, CreditReason, OrgChangeRequest, ReportStatus
from orgs.tests.factories import (
    AnnualReportFactory,
    CreditRecordFactory,
    MembershipFactory,
    OrganizationFactory,
)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def orgs(tree_a, users):
    """org_a's organization in 建设社区, and another organization org_a is not a member of."""
    with tenant_context(tree_a["tenant"]):
        mine = OrganizationFactory(region=tree_a["community"], name="建设社区为老服务中心", contact_person="李四",
                                   volunteers=12, supervising_unit="珠晖区民政局")
        MembershipFactory(organization=mine, user=users["org_a"])
        other = OrganizationFactory(region=tree_a["community"], name="建设社区文体协会")
    return {"mine": mine, "other": other}


def portal_data(org, **overrides) -> dict:
    data = {
        "contact_person": org.contact_person, "contact_phone": org.contact_phone, "email": org.email,
        "address": org.address, "staff_fulltime": org.staff_fulltime, "staff_social_workers": org.staff_social_workers,
        "retired_cadre_leaders": org.retired_cadre_leaders, "volunteers": org.volunteers,
        "funding_sources": org.funding_sources, "domains": [],
        "name": org.name, "legal_representative": org.legal_representative,
        "supervising_unit": org.supervising_unit, "established_date": org.established_date.isoformat(),
        "uscc": org.uscc,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def reload(tree, org):
    with tenant_context(tree["tenant"]):
        org.refresh_from_db()
    return org


def test_portal_shows_only_the_users_organization(tree_a, users, client_for, orgs):
    with tenant_context(tree_a["tenant"]):
        report = AnnualReportFactory(organization=orgs["mine"], year=2024, status=ReportStatus.OPEN)
        AnnualReportFactory(organization=orgs["other"], year=2024)
        CreditRecordFactory(organization=orgs["mine"], reason=CreditReason.PARTY_ORG_NOT_SET)
    page = body(client_for(users["org_a"]).get(reverse("orgs:portal"), **EN))
    assert "建设社区为老服务中心" in page and "建设社区文体协会" not in page
    assert "Abnormal activities list" in page and "Apply for removal" in page
    assert reverse("orgs:report-edit", args=[report.pk]) in page
    assert reverse("orgs:portal-edit", args=[orgs["mine"].pk]) in page


def test_portal_is_for_organization_users_only(tree_a, users, client_for, orgs):
    for name in ("community_a", "street_a", "admin_a", "grid_a", "norole_a", "admin_b"):
        client = client_for(users[name])
        assert client.get(reverse("orgs:portal")).status_code == 404, name
        assert client.get(reverse("orgs:portal-edit", args=[orgs["mine"].pk])).status_code == 404, name
    assert client_for(users["org_a"]).get(reverse("orgs:portal"), **EN).status_code == 200


def test_org_user_gets_404_for_other_organizations(tree_a, users, client_for, orgs):
    with tenant_context(tree_a["tenant"]):
        report = AnnualReportFactory(organization=orgs["other"])
        record = CreditRecordFactory(organization=orgs["other"])
    client = client_for(users["org_a"])
    assert client.get(reverse("orgs:portal-edit", args=[orgs["other"].pk])).status_code == 404
    assert client.post(reverse("orgs:portal-edit", args=[orgs["other"].pk]),
                       portal_data(orgs["other"], contact_person="x")).status_code == 404
    assert client.get(reverse("orgs:report-detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("orgs:report-edit", args=[report.pk])).status_code == 404
    assert client.post(reverse("orgs:report-action", args=[report.pk, "submit"])).status_code == 404
    assert client.post(reverse("orgs:credit-rectify", args=[record.pk]), {"action": "apply"}).status_code == 404
    assert reload(tree_a, orgs["other"]).contact_person == "李四"
    with tenant_context(tree_a["tenant"]):
        report.refresh_from_db()
    assert report.status == ReportStatus.OPEN


def test_direct_fields_save_at_once_and_key_fields_wait_for_approval(tree_a, users, client_for, orgs):
    mine = orgs["mine"]
    client = client_for(users["org_a"])
    page = body(client.get(reverse("orgs:portal-edit", args=[mine.pk]), **EN))
    assert "take effect only when staff approve them" in page

    response = client.post(reverse("orgs:portal-edit", args=[mine.pk]),
                           portal_data(mine, contact_phone="0734-8888888", volunteers="30",
                                       name="衡阳市建设社区为老服务中心", legal_representative="赵六"),
                           follow=True, **EN)
    page = body(response)
    assert "Saved:" in page and "Awaiting approval" in page
    mine = reload(tree_a, mine)
    assert mine.contact_phone == "0734-8888888" and mine.volunteers == 30
    assert mine.name == "建设社区为老服务中心" and mine.legal_representative == "张三"
    with tenant_context(tree_a["tenant"]):
        change_request = OrgChangeRequest.objects.get(organization=mine)
    assert change_request.changes == {"name": ["建设社区为老服务中心", "衡阳市建设社区为老服务中心"],
                                      "legal_representative": ["张三", "赵六"]}
    assert "Changes awaiting approval" in page and "赵六" in page

    # The registration authority approves (a registered organization); the organization's data changes then.
    staff = client_for(users["admin_a"])
    page = body(staff.get(reverse("orgs:change-request-list"), **EN))
    assert "衡阳市建设社区为老服务中心" in page and "Name" in page and "Approve and apply" in page
    response = staff.post(reverse("orgs:change-request-decide", args=[change_request.pk]), {"decision": "approve"},
                          follow=True, **EN)
    assert "Change approved" in body(response)
    mine = reload(tree_a, mine)
    assert mine.name == "衡阳市建设社区为老服务中心" and mine.legal_representative == "赵六"
    with tenant_context(tree_a["tenant"]):
        change_request.refresh_from_db()
    assert change_request.status == ChangeRequestStatus.APPROVED


def test_the_authority_rejects_a_registered_organizations_change_with_a_reason(tree_a, users, client_for, orgs):
    mine = orgs["mine"]
    client_for(users["org_a"]).post(reverse("orgs:portal-edit", args=[mine.pk]),
                                    portal_data(mine, supervising_unit="衡阳市民政局"))
    with tenant_context(tree_a["tenant"]):
        change_request = OrgChangeRequest.objects.get(organization=mine)
    decide = reverse("orgs:change-request-decide", args=[change_request.pk])
    # A registered organization's key data is the registration authority's (issue 7 item 11): its street sees
    # the request without the buttons, and a direct POST is refused.
    street = client_for(users["street_a"])
    page = body(street.get(reverse("orgs:change-request-list"), **EN))
    assert "衡阳市民政局" in page and "Approve and apply" not in page and "data-confirm" not in page
    assert "awaits the decision of the registration authority" in page
    assert street.post(decide, {"decision": "reject", "note": "x"}).status_code == 404
    with tenant_context(tree_a["tenant"]):
        assert OrgChangeRequest.objects.get(pk=change_request.pk).status == ChangeRequestStatus.PENDING
    authority = client_for(users["admin_a"])
    assert "data-confirm" in body(authority.get(reverse("orgs:change-request-list")))
    authority.post(decide, {"decision": "reject", "note": "需提供主管单位同意函"})
    with tenant_context(tree_a["tenant"]):
        change_request.refresh_from_db()
    assert change_request.status == ChangeRequestStatus.REJECTED
    assert reload(tree_a, mine).supervising_unit == "珠晖区民政局"


def test_portal_form_errors_and_no_change(tree_a, users, client_for, orgs):
    mine = orgs["mine"]
    client = client_for(users["org_a"])
    url = reverse("orgs:portal-edit", args=[mine.pk])
    response = client.post(url, portal_data(mine), follow=True, **EN)
    assert "Nothing was changed." in body(response)
    response = client.post(url, portal_data(mine, email="not-an-email", uscc="123"), **EN)
    assert response.status_code == 200 and "is-invalid" in body(response)
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, portal_data(mine, uscc="91350100M000100Y43", established_date=future), **EN)
    assert response.status_code == 200 and "alert-danger" in body(response)
    with tenant_context(tree_a["tenant"]):
        assert not OrgChangeRequest.objects.exists()


def test_org_user_edits_and_submits_its_report_from_the_portal(tree_a, users, client_for, orgs):
    with tenant_context(tree_a["tenant"]):
        report = AnnualReportFactory(organization=orgs["mine"], year=2024)
    client = client_for(users["org_a"])
    data = {"income_government": "1000", "income_donations": "0", "income_dues": "0", "income_services": "0",
            "income_other": "0", "spending": "800", "net_assets": "200", "activities_summary": "开展活动 12 场",
            "party_building_report": ""}
    response = client.post(reverse("orgs:report-edit", args=[report.pk]), data, follow=True, **EN)
    assert "Annual report saved" in body(response)
    response = client.post(reverse("orgs:report-action", args=[report.pk, "submit"]),
                           {"next": reverse("orgs:portal")}, follow=True, **EN)
    assert response.redirect_chain[-1][0] == reverse("orgs:portal")
    assert "submitted for review" in body(response)
    with tenant_context(tree_a["tenant"]):
        report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.activities_summary == "开展活动 12 场"
