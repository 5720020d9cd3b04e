"""Contact phones in full for staff who maintain the organization and its own users; masked (138****5678) for
read-only roles (auditor, grid worker, Party officer) in the pages, the exports and the API."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_user
from governance.models import Role
from governance.tenancy import tenant_context
from orgs.tests.factories import FilingFactory, MembershipFactory, OrganizationFactory

PHONE, MASKED = "13812345678", "138****5678"
FULL_ROLES = ("admin_a", "street_a", "community_a")
MASKED_ROLES = ("auditor_a", "grid_a", "party_a")


@pytest.fixture
def users(users, tree_a):
    """The shared users, with the grid worker over the community (a grid worker sees the organizations of
    the subtree it is assigned to; organizations sit at community level)."""
    return {**users, "grid_a": make_user(tree_a["tenant"], "grid_c", Role.GRID_WORKER, tree_a["community"])}


@pytest.fixture
def org(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"], contact_phone=PHONE, name="建设社区为老服务中心")
        MembershipFactory(organization=org, user=users["org_a"])
    return org


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", FULL_ROLES + MASKED_ROLES)
def test_detail_page_masks_the_phone_for_read_only_roles(org, users, client_for, role):
    page = _page(client_for(users[role]), reverse("orgs:detail", args=[org.pk]))
    if role in MASKED_ROLES:
        assert MASKED in page and PHONE not in page and "tel:" not in page
    else:
        assert f'href="tel:{PHONE}"' in page


def test_portal_shows_the_organization_its_own_phone(org, users, client_for):
    page = _page(client_for(users["org_a"]), reverse("orgs:portal"))
    assert PHONE in page and MASKED not in page


@pytest.mark.parametrize("role", ("street_a", "auditor_a", "grid_a"))
def test_filing_detail_masks_the_phone(tree_a, users, client_for, role):
    with tenant_context(tree_a["tenant"]):
        filing = FilingFactory(region=tree_a["community"], organization__contact_phone=PHONE)
    page = _page(client_for(users[role]), reverse("orgs:filing-detail", args=[filing.pk]))
    assert (MASKED in page and PHONE not in page) if role != "street_a" else PHONE in page


@pytest.mark.parametrize("role", ("community_a", "auditor_a", "party_a"))
def test_exports_mask_the_phone(tree_a, org, users, client_for, role):
    with tenant_context(tree_a["tenant"]):
        FilingFactory(region=tree_a["community"], organization__contact_phone=PHONE, organization__name="夕阳红队")
    client = client_for(users[role])
    for url in (reverse("orgs:export"), reverse("orgs:filing-export")):
        response = client.get(url)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
        header = [cell.value for cell in sheet[1]]
        phones = {row[header.index("联系电话")] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert phones == ({MASKED} if role != "community_a" else {PHONE}), (url, phones)


@pytest.mark.parametrize("role", FULL_ROLES + MASKED_ROLES + ("org_a",))
def test_api_masks_the_phone(org, users, api_for, role):
    data = api_for(users[role]).get(f"/api/v1/orgs/{org.pk}/").json()
    assert data["contact_phone"] == (MASKED if role in MASKED_ROLES else PHONE)


@pytest.mark.parametrize("role", ("street_a", "auditor_a", "party_a", "grid_a"))
def test_list_apis_mask_the_phone(tree_a, org, users, api_for, role):
    with tenant_context(tree_a["tenant"]):
        FilingFactory(region=tree_a["community"], organization__contact_phone=PHONE, organization__name="夕阳红队")
    client, expected = api_for(users[role]), (MASKED if role in MASKED_ROLES else PHONE)
    organizations = client.get("/api/v1/orgs/").json()["results"]
    assert organizations and {row["contact_phone"] for row in organizations} == {expected}
    filings = client.get("/api/v1/filings/").json()["results"]
    assert filings and {row["organization"]["contact_phone"] for row in filings} == {expected}


def test_phone_masker_for_rows_without_instances(tree_a, org, users):
    from orgs.permissions import contact_phone_masker

    with tenant_context(tree_a["tenant"]):
        path = org.region.path
        for role, expected in (("community_a", PHONE), ("auditor_a", MASKED), ("org_a", PHONE)):
            shown = contact_phone_masker(users[role])
            assert shown(PHONE, region_path=path, organization_id=org.pk) == expected, role
        assert contact_phone_masker(users["org_a"])(PHONE, region_path=path, organization_id=org.pk + 1) == MASKED
        assert contact_phone_masker(users["auditor_a"])("", region_path=path, organization_id=org.pk) == ""
