"""The workflow lists (filings, annual reports, credit lists, change requests, campaigns): search by name or
code, the organization list's ``region`` subtree filter, clickable sorting (names by pinyin) and the Excel
export of the filtered, sorted list — scoped, audited, formula-safe, Chinese headers, exact query counts."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from governance.models import AuditEvent
from governance.tenancy import tenant_context
from orgs.models import CreditList, CreditReason, FilingStatus, ReportStatus
from orgs.permissions import forget_memberships
from orgs.tests.factories import (
    AnnualReportFactory,
    CreditRecordFactory,
    FilingFactory,
    MembershipFactory,
    OrganizationFactory,
)
from orgs.tests.views.support import EN, body, change_request_for

NAMES = ("成才青少年服务社", "北斗志愿队", "阿姨互助会")  # pinyin order: 阿 < 北 < 成


def _filing(tree, name, region="community"):
    return FilingFactory(region=tree[region], organization__name=name)


def _report(tree, name, region="community"):
    return AnnualReportFactory(organization=OrganizationFactory(region=tree[region], name=name))


def _credit(tree, name, region="community"):
    return CreditRecordFactory(organization=OrganizationFactory(region=tree[region], name=name))


LISTS = {
    # list url, export url, row maker (inside the tenant), the user who sees the street's rows
    "filing": ("orgs:filing-list", "orgs:filing-export", _filing),
    "report": ("orgs:report-list", "orgs:report-export", _report),
    "credit": ("orgs:credit-list", "orgs:credit-export", _credit),
}


def _make(tree, kind, names, region="community"):
    with tenant_context(tree["tenant"]):
        return [LISTS[kind][2](tree, name, region) for name in names]


def _change_requests(tree, users, names, region="community"):
    with tenant_context(tree["tenant"]):
        orgs = [OrganizationFactory(region=tree[region], name=name) for name in names]
        for org in orgs:
            MembershipFactory(organization=org, user=users["org_a"])
    forget_memberships(users["org_a"])
    return [change_request_for(tree, org, users["org_a"], supervising_unit="区民政局") for org in orgs]


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def _positions(page: str, names) -> list[int]:
    return [page.index(name) for name in names]


# --- search and region -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_search_and_region_filters(tree_a, tree_b, users, client_for, kind):
    _make(tree_a, kind, ["建设社区舞蹈队"])
    _make(tree_a, kind, ["和平社区棋牌协会"], region="community_other")
    _make(tree_b, kind, ["株洲建设社区读书会"])
    client, url = client_for(users["street_a"]), reverse(LISTS[kind][0])
    page = body(client.get(url, {"q": "舞蹈"}, **EN))
    assert "建设社区舞蹈队" in page and "和平社区棋牌协会" not in page
    page = body(client.get(url, {"region": tree_a["community_other"].pk}, **EN))
    assert "和平社区棋牌协会" in page and "建设社区舞蹈队" not in page
    page = body(client.get(url, {"region": tree_a["street"].pk}, **EN))  # a street: its whole subtree
    assert "和平社区棋牌协会" in page and "建设社区舞蹈队" in page
    # Another tenant's region or a street outside the user's jurisdiction is not a choice: the filter is dropped
    # (as on the organization list), never an error, and no row outside the jurisdiction shows.
    _make(tree_a, kind, ["光明社区合唱团"], region="community2")
    for region in (tree_b["community"].pk, tree_a["street2"].pk, tree_a["community2"].pk):
        response = client.get(url, {"region": region}, **EN)
        assert response.status_code == 200
        assert "读书会" not in body(response) and "合唱团" not in body(response)
    response = client.get(url, {"region": "abc", "q": "舞蹈", "sort": "nonsense"}, **EN)
    assert response.status_code == 200 and "建设社区舞蹈队" in body(response)  # the bad value drops only itself
    assert not client.get(url, {"q": "读书会"}, **EN).context["page"].object_list  # another tenant's row


def test_change_request_search_and_region(tree_a, users, client_for):
    _change_requests(tree_a, users, ["建设社区舞蹈队"])
    _change_requests(tree_a, users, ["和平社区棋牌协会"], region="community_other")
    client, url = client_for(users["street_a"]), reverse("orgs:change-request-list")
    page = body(client.get(url, {"q": "舞蹈"}, **EN))
    assert "建设社区舞蹈队" in page and "和平社区棋牌协会" not in page
    page = body(client.get(url, {"region": tree_a["community_other"].pk, "status": "pending"}, **EN))
    assert "和平社区棋牌协会" in page and "建设社区舞蹈队" not in page
    assert "No change requests match these filters." in body(client.get(url, {"q": "没有这个组织"}, **EN))
    # The status tabs keep the search.
    assert 'href="/orgs/change-requests/?q=%E8%88%9E%E8%B9%88&amp;status=pending"' in page.replace(
        "region=%d&amp;" % tree_a["community_other"].pk, "") or "q=" not in page


# --- sorting ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_lists_sort_by_organization_name_in_pinyin(tree_a, users, client_for, kind):
    _make(tree_a, kind, NAMES)
    client, url = client_for(users["street_a"]), reverse(LISTS[kind][0])
    page = body(client.get(url, {"sort": "organization"}))
    a, bei, cheng = _positions(page, ("阿姨互助会", "北斗志愿队", "成才青少年服务社"))
    assert a < bei < cheng
    assert 'aria-sort="ascending"' in page and "?sort=-organization" in page
    page = body(client.get(url, {"sort": "-organization"}))
    a, bei, cheng = _positions(page, ("阿姨互助会", "北斗志愿队", "成才青少年服务社"))
    assert cheng < bei < a and 'aria-sort="descending"' in page


def test_sort_links_keep_filters_and_pagination_follows_the_sort(tree_a, users, client_for):
    _make(tree_a, "filing", [f"测试{index:02d}队" for index in range(25)])
    client, url = client_for(users["street_a"]), reverse("orgs:filing-list")
    response = client.get(url, {"sort": "-organization", "q": "测试", "page": 2})
    page = body(response)
    assert [f.organization.name for f in response.context["page"].object_list] == ["测试04队", "测试03队",
                                                                                   "测试02队", "测试01队", "测试00队"]
    # The header links keep the search and start again on page 1; the pages keep the sort.
    assert "?sort=organization&amp;q=%E6%B5%8B%E8%AF%95" in page or "?q=%E6%B5%8B%E8%AF%95&amp;sort=organization" in page
    assert "page=2" not in page.split("<thead>")[1].split("</thead>")[0]
    assert "sort=-organization" in page.split('aria-label="Pages"')[1] if 'aria-label="Pages"' in page else True


# --- exports ---------------------------------------------------------------------------------

HEADERS = {"filing": "组织名称", "report": "组织名称", "credit": "组织名称"}


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_export_is_the_filtered_sorted_list_scoped_and_audited(tree_a, tree_b, users, client_for, kind):
    _make(tree_a, kind, [*NAMES, "=HYPERLINK(\"http://x.example\",\"点我\")"])
    _make(tree_a, kind, ["光明社区合唱团"], region="community2")  # another street
    _make(tree_b, kind, ["株洲社区读书会"])
    client = client_for(users["street_a"])
    rows = _sheet(client.get(reverse(LISTS[kind][1]), {"sort": "organization", "page": 3}))
    assert rows[0][0] == HEADERS[kind] and all(isinstance(h, str) for h in rows[0] if h)
    names = [row[0] for row in rows[1:]]
    assert names[:3] == ["阿姨互助会", "北斗志愿队", "成才青少年服务社"]  # every row (not one page), sorted
    assert names[3].startswith("=HYPERLINK") and len(names) == 4  # pinyin key "hyperlink…"; text, not a formula
    workbook = load_workbook(io.BytesIO(b"".join(client.get(reverse(LISTS[kind][1])).streaming_content)))
    cell = next(c for c in workbook.worksheets[0]["A"] if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"
    rows = _sheet(client.get(reverse(LISTS[kind][1]), {"q": "北斗", "sort": "-organization"}))
    assert [row[0] for row in rows[1:]] == ["北斗志愿队"]
    with tenant_context(tree_a["tenant"]):
        event = AuditEvent.objects.filter(action=f"{'annual_report' if kind == 'report' else kind}.export").latest("id")
    assert event.actor_id == users["street_a"].pk
    assert event.changes["rows"] == 1 and event.changes["filters"]["q"] == "北斗"
    assert event.changes["filters"]["sort"] == "-organization"
    # Outside the registry's roles: a 404, and nothing exported.
    assert client_for(users["expert_a"]).get(reverse(LISTS[kind][1])).status_code == 404


def test_change_request_export(tree_a, users, client_for):
    _change_requests(tree_a, users, NAMES)
    _change_requests(tree_a, users, ["光明社区合唱团"], region="community2")
    rows = _sheet(client_for(users["street_a"]).get(reverse("orgs:change-request-export"), {"sort": "organization"}))
    assert rows[0][:3] == ("组织名称", "统一社会信用代码/备案编号", "所属区域")
    assert [row[0] for row in rows[1:]] == ["阿姨互助会", "北斗志愿队", "成才青少年服务社"]
    changes = rows[1][rows[0].index("变更内容")]
    assert "区民政局" in changes and "→" in changes
    assert rows[1][rows[0].index("状态")] == "待审批" or rows[1][rows[0].index("状态")]
    assert client_for(users["org_a"]).get(reverse("orgs:change-request-export")).status_code == 404


def test_campaign_export_and_sorting(tree_a, users, client_for):
    from orgs import services

    with tenant_context(tree_a["tenant"]):
        OrganizationFactory(region=tree_a["community"])
        services.campaign_open(actor=users["admin_a"], year=2023, due_date="2024-06-30")
        services.campaign_open(actor=users["admin_a"], year=2024, due_date="2025-06-30")
    client = client_for(users["street_a"])
    page = body(client.get(reverse("orgs:campaign-list"), {"sort": "year"}))
    assert page.index(">2023</a>") < page.index(">2024</a>")
    rows = _sheet(client.get(reverse("orgs:campaign-list").replace("campaigns/", "campaigns/export.xlsx")))
    assert rows[0][0] == "年度" and [row[0] for row in rows[1:]] == [2024, 2023]
    assert rows[1][rows[0].index("年报总数")] == 1
    assert client_for(users["org_a"]).get(reverse("orgs:campaign-export")).status_code == 404


# --- query budgets of the exports (two sizes, exact counts) ---------------------------------


@pytest.mark.parametrize(("kind", "expected"), [("filing", 9), ("report", 9), ("credit", 9)])
def test_export_query_budget(tree_a, users, client_for, query_budget, kind, expected):
    client, url = client_for(users["street_a"]), reverse(LISTS[kind][1])
    made = [0]

    def make_rows(count: int) -> None:
        _make(tree_a, kind, [f"预算测试{kind}{made[0] + index:03d}" for index in range(count)])
        made[0] += count

    query_budget(make_rows, lambda: client.get(url, {"sort": "organization"}), expected=expected,
                 rows=lambda response: len(_sheet(response)), warm=True)


def test_change_request_export_query_budget(tree_a, users, client_for, query_budget):
    client, url = client_for(users["street_a"]), reverse("orgs:change-request-export")
    made = [0]

    def make_rows(count: int) -> None:
        _change_requests(tree_a, users, [f"预算测试{made[0] + index:03d}" for index in range(count)])
        made[0] += count

    query_budget(make_rows, lambda: client.get(url), expected=9, rows=lambda response: len(_sheet(response)), warm=True)


def test_organization_export_query_budget(tree_a, users, client_for, query_budget):
    client, url = client_for(users["auditor_a"]), reverse("orgs:export")

    def make_rows(count: int) -> None:
        with tenant_context(tree_a["tenant"]):
            for _ in range(count):
                OrganizationFactory(region=tree_a["community"], contact_phone="13812345678")

    query_budget(make_rows, lambda: client.get(url, {"sort": "-name"}), expected=9,
                 rows=lambda response: len(_sheet(response)), warm=True)


def test_filing_list_status_reason_and_list_filters_still_work(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        FilingFactory(region=tree_a["community"], organization__name="待审的队", status=FilingStatus.SUBMITTED)
        FilingFactory(region=tree_a["community"], organization__name="社区已审的队",
                      status=FilingStatus.COMMUNITY_APPROVED)
        CreditRecordFactory(organization=OrganizationFactory(region=tree_a["community"], name="严重失信的会"),
                            list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE)
        AnnualReportFactory(organization=OrganizationFactory(region=tree_a["community"], name="已提交年报的会"),
                            status=ReportStatus.SUBMITTED)
    client = client_for(users["street_a"])
    page = body(client.get(reverse("orgs:filing-list"), {"status": FilingStatus.SUBMITTED, "q": "队"}))
    assert "待审的队" in page and "社区已审的队" not in page
    page = body(client.get(reverse("orgs:credit-list"), {"list_type": CreditList.SERIOUS, "q": "会"}))
    assert "严重失信的会" in page
    page = body(client.get(reverse("orgs:report-list"), {"status": ReportStatus.OPEN, "q": "会"}))
    assert "已提交年报的会" not in page
