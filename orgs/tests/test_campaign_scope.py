"""Opening an annual-report campaign covers only the actor's subtree, and the page confirms the count
first (issue 7 item 11: a street clerk opened 272 reports for the city where their table showed 87)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from governance.tenancy import tenant_context
from orgs import selectors, services
from orgs.models import AnnualReport
from orgs.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

DUE = datetime.date(2025, 5, 31)


@pytest.fixture
def spread(tree_a):
    with tenant_context(tree_a["tenant"]):
        return {
            "street": [OrganizationFactory(region=tree_a["community"]) for _ in range(3)],
            "street2": [OrganizationFactory(region=tree_a["community2"]) for _ in range(2)],
        }


def test_street_staff_open_only_their_streets_reports(tree_a, users, spread):
    with tenant_context(tree_a["tenant"]):
        assert selectors.campaign_organizations_missing_report(user=users["street_a"], year=2024).count() == 3
        campaign = services.campaign_open(actor=users["street_a"], year=2024, due_date=DUE)
        assert campaign.reports_opened == 3
        assert set(AnnualReport.objects.values_list("organization_id", flat=True)) == {
            org.pk for org in spread["street"]}
        # The other street's clerk then opens theirs in the same campaign; the tenant admin has nothing left.
        assert services.campaign_open(actor=users["street2_a"], year=2024, due_date=DUE).reports_opened == 2
        assert services.campaign_open(actor=users["admin_a"], year=2024, due_date=DUE).reports_opened == 0


def test_tenant_admin_and_system_runs_cover_the_tenant(tree_a, tree_b, users, spread):
    with tenant_context(tree_b["tenant"]):
        OrganizationFactory(region=tree_b["community"])
    with tenant_context(tree_a["tenant"]):
        assert selectors.campaign_organizations_missing_report(user=users["admin_a"], year=2024).count() == 5
        assert selectors.campaign_organizations_missing_report(user=None, year=2024).count() == 5
        assert services.campaign_open(actor=None, year=2024, due_date=DUE).reports_opened == 5


def test_the_page_confirms_the_count_in_chinese_before_opening(tree_a, users, client_for, spread):
    client = client_for(users["street_a"])
    response = client.post(reverse("orgs:campaign-open"), {"year": "2024", "due_date": "2025-05-31"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "将为 3 个组织开启年报" in response.content.decode()
    with tenant_context(tree_a["tenant"]):
        assert not AnnualReport.objects.exists()
    response = client.post(reverse("orgs:campaign-open"),
                           {"year": "2024", "due_date": "2025-05-31", "confirm": "1"})
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        assert AnnualReport.objects.count() == 3
