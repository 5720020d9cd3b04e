"""The registry in the UI shell: every page reachable from the sidebar, and 待办 with exact counts per role."""

import re

import pytest

from governance import registry
from governance.tenancy import tenant_context
from orgs.models import ChangeRequestStatus, FilingStatus, OrgChangeRequest, OrgKind, ReportStatus
from orgs.navigation import todos
from orgs.tests.factories import AnnualReportFactory, FilingFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

REGISTRY_PAGES = {"orgs:list", "orgs:filing-list", "orgs:report-list", "orgs:campaign-list", "orgs:credit-list",
                  "orgs:change-request-list"}


def _sidebar_links(html: str) -> list[str]:
    sidebar = html.split('id="sidebar"', 1)[1].split("</aside>", 1)[0]
    return re.findall(r'class="nav-link[^"]*"[^>]*href="([^"]+)"', sidebar)


def _nav_names(user) -> set[str]:
    from governance.context_processors import _entries_for

    with tenant_context(user.tenant):
        return {entry.url_name for entry, _url in _entries_for(user)}


@pytest.mark.parametrize("role", ["street_a", "community_a", "admin_a"])
def test_staff_reach_every_registry_page_from_the_sidebar(users, client_for, role):
    client = client_for(users[role])
    links = _sidebar_links(client.get("/").content.decode())
    assert "/orgs/" in links and "/orgs/filings/" in links and "/orgs/credit/" in links
    assert REGISTRY_PAGES <= _nav_names(users[role])
    for url in links:
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("role", ["admin_a", "street_a", "community_a", "grid_a", "expert_a", "org_a", "party_a",
                                  "auditor_a", "norole_a"])
def test_what_a_role_sees_in_the_menu_is_what_it_may_open(users, client_for, role):
    """Shown ⇔ opens: no menu entry leads to a 404 and no openable registry page is missing from the menu."""
    from django.urls import reverse

    user = users[role]
    client = client_for(user)
    shown = _nav_names(user)
    for entry in registry.nav_entries():
        status = client.get(reverse(entry.url_name)).status_code
        if entry.url_name == "home":
            assert status in (200, 302)  # organization users' home is their portal
        elif entry.url_name in shown:
            assert status == 200, (role, entry.url_name, status)
        elif entry.url_name.startswith("orgs:"):
            assert status in (302, 403, 404), (role, entry.url_name, status)


def test_party_officer_has_the_registry_in_the_menu(users):
    assert "orgs:list" in _nav_names(users["party_a"])


def _labels(items):
    return {item.key: item.count for item in items}


def test_todo_counts_per_role_are_exact_and_scoped(tree_a, tree_b, users):
    a, b = tree_a, tree_b
    with tenant_context(a["tenant"]):
        FilingFactory.create_batch(2, region=a["community"], status=FilingStatus.SUBMITTED)
        FilingFactory(region=a["community_other"], status=FilingStatus.SUBMITTED)
        FilingFactory(region=a["community2"], status=FilingStatus.SUBMITTED)
        FilingFactory.create_batch(3, region=a["community"], status=FilingStatus.COMMUNITY_APPROVED)
        FilingFactory(region=a["community2"], status=FilingStatus.COMMUNITY_APPROVED)
        FilingFactory(region=a["community"], status=FilingStatus.FILED)
        org = OrganizationFactory(region=a["community"])
        other = OrganizationFactory(region=a["community2"])
        AnnualReportFactory(organization=org, year=2023, status=ReportStatus.SUBMITTED)
        AnnualReportFactory(organization=other, year=2023, status=ReportStatus.SUBMITTED)
        AnnualReportFactory(organization=org, year=2024, status=ReportStatus.RETURNED)
        AnnualReportFactory(organization=org, year=2025, status=ReportStatus.OPEN)
        AnnualReportFactory(organization=other, year=2024, status=ReportStatus.RETURNED)
        OrgChangeRequest.objects.create(tenant=a["tenant"], organization=org, status=ChangeRequestStatus.PENDING,
                                        changes={"name": ["a", "b"]})
        # A registered association's change awaits the registration authority, a community group's its street.
        group = OrganizationFactory(region=a["community"], kind=OrgKind.COMMUNITY_GROUP, uscc=None,
                                    filing_number="衡社备〔2024〕00001号")
        OrgChangeRequest.objects.create(tenant=a["tenant"], organization=group, status=ChangeRequestStatus.PENDING,
                                        changes={"name": ["c", "d"]})
        OrgChangeRequest.objects.create(tenant=a["tenant"], organization=other, status=ChangeRequestStatus.PENDING,
                                        changes={"name": ["e", "f"]})
        MembershipFactory(organization=org, user=users["org_a"])
    with tenant_context(b["tenant"]):
        FilingFactory.create_batch(4, region=b["community"], status=FilingStatus.COMMUNITY_APPROVED)

    def counts(name):
        user = users[name]
        with tenant_context(user.tenant):
            return _labels(todos(user))

    assert counts("community_a") == {"orgs.filing.review": 2, "orgs.report.review": 1, "orgs.change.decide": 1}
    street = counts("street_a")
    assert street["orgs.filing.approve"] == 3
    assert street["orgs.report.review"] == 1 and street["orgs.change.decide"] == 1
    assert "orgs.filing.review" not in street  # street staff do not do the community's review
    admin = counts("admin_a")
    assert admin["orgs.filing.review"] == 4 and admin["orgs.filing.approve"] == 4
    assert admin["orgs.report.review"] == 2 and admin["orgs.change.decide"] == 3
    assert counts("street2_a")["orgs.change.decide"] == 0  # community2's association is the authority's
    assert counts("org_a") == {"orgs.portal.returned": 1, "orgs.portal.open": 1}
    assert counts("street_b")["orgs.filing.approve"] == 4
    assert counts("auditor_a") == {} and counts("grid_a") == {}


def test_home_lists_todos_first_and_badges_fetch_the_same_counts(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        FilingFactory.create_batch(3, region=tree_a["community"], status=FilingStatus.COMMUNITY_APPROVED)
    client = client_for(users["street_a"])
    html = client.get("/").content.decode()
    assert html.index("todo-title") < html.index("jurisdiction-title")
    assert "3 份备案待您审批" in html
    assert 'href="/orgs/filings/?status=community_approved"' in html
    badges = client.get("/nav/badges/").content.decode()
    assert 'id="nav-badge-orgs-filing-list" class="badge rounded-pill text-bg-danger" hx-swap-oob="true">3<' in badges


def test_home_without_work_says_so(users, client_for):
    html = client_for(users["grid_a"]).get("/").content.decode()
    assert "暂无待办事项" in html


def test_org_user_sees_todos_on_the_portal(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
        AnnualReportFactory(organization=org, year=2024, status=ReportStatus.RETURNED)
        MembershipFactory(organization=org, user=users["org_a"])
    html = client_for(users["org_a"]).get("/orgs/portal/").content.decode()
    assert "1 份年报被退回待修改" in html
