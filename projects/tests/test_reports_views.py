"""Progress report pages and API: scoping (tenant B, outside the jurisdiction, another organization → 404),
the organization filling in and submitting through HTTP, staff review and tranche release, exact query
counts at two sizes on the lists."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from projects.models import ApplicationStatus, PaymentTranche, ProgressReport, ReportStatus, TranchePayment
from projects.services import contracts as contract_services
from projects.services import reports as services
from projects.tests.factories import ApplicationFactory, BudgetLineFactory, ContractFactory
from projects.tests.tenders.conftest import World

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


@pytest.fixture
def world(tree_a, tree_b, users, in_tenant):
    made = World(tree_a, tree_b, users, in_tenant)
    with in_tenant(made.tenant):
        yield made


@pytest.fixture
def signed(world):
    BudgetLineFactory(application=world.application, category="activities", amount=Decimal("40000"))
    tender, bids, award = world.awarded()
    world.past_standstill(award)
    contract = world.contract(award, start=START, end=END)
    contract_services.contract_sign(actor=world.street, contract=contract)
    services.report_schedule_generate(actor=world.street, contract=contract)
    return contract


def _rows(world, n):
    """``n`` contracts of the bidder's organization with four reports each (factories, no services)."""
    for _ in range(n):
        application = ApplicationFactory(program=world.program, region=world.tree["community"],
                                         status=ApplicationStatus.APPROVED, approved_amount=Decimal("80000"))
        contract = ContractFactory(application=application, organization=world.orgs[0], status="active",
                                   signed_on=datetime.date(2026, 3, 1))
        ProgressReport.objects.create(tenant=world.tenant, contract=contract, sequence=1,
                                      period_start=contract.start_date, period_end=contract.end_date,
                                      due_date=contract.end_date)


def test_pages_are_scoped(world, signed, users, client_for, tree_b, in_tenant):
    report = signed.progress_reports.first()
    staff_urls = [f"/projects/reports/{report.pk}/", f"/projects/contracts/{signed.pk}/reports/"]
    for url in staff_urls:
        assert client_for(world.street).get(url).status_code == 200
        assert client_for(users["street2_a"]).get(url).status_code == 404  # outside the jurisdiction
        assert client_for(users["street_b"]).get(url).status_code == 404  # another tenant
    portal = f"/projects/portal/reports/{report.pk}/"
    assert client_for(world.bidder).get(portal).status_code == 200
    assert client_for(world.other_org_user).get(portal).status_code == 404  # another organization
    assert client_for(world.street).get(portal).status_code == 404
    listing = client_for(users["street2_a"]).get("/projects/reports/")
    assert listing.status_code == 200 and signed.number not in listing.content.decode()
    assert signed.number in client_for(world.street).get("/projects/reports/").content.decode()
    assert signed.number not in client_for(world.other_org_user).get("/projects/portal/reports/").content.decode()
    # Posting to another organization's report or releasing from outside: 404, nothing written.
    assert client_for(world.other_org_user).post(portal, {"activities_held": "3"}).status_code == 404
    tranche = signed.tranches.get(sequence=1)
    release = f"/projects/contracts/{signed.pk}/tranches/{tranche.pk}/release/"
    assert client_for(users["street2_a"]).post(release, {"date": "2026-01-05"}).status_code == 404
    assert not TranchePayment.objects.exists()


def test_api_is_scoped(world, signed, users, api_for):
    report = signed.progress_reports.first()
    assert api_for(world.street).get(f"/api/v1/projects/reports/{report.pk}/").status_code == 200
    for user in (users["street2_a"], users["street_b"]):
        assert api_for(user).get(f"/api/v1/projects/reports/{report.pk}/").status_code == 404
        assert api_for(user).get("/api/v1/projects/reports/").json()["count"] == 0
        assert api_for(user).get(f"/api/v1/projects/contracts/{signed.pk}/spending/").status_code == 404
    assert api_for(world.other_org_user).get(f"/api/v1/projects/portal/reports/{report.pk}/").status_code == 404
    assert api_for(world.bidder).get("/api/v1/projects/portal/reports/").json()["count"] == 4
    assert api_for(world.bidder).get("/api/v1/projects/reports/").status_code == 403


def test_portal_fill_submit_then_staff_return_approve_and_release(world, signed, users, client_for):
    report = signed.progress_reports.get(sequence=3)  # the mid-term report, which releases tranche 2
    output, share = signed.indicators.order_by("position", "id")
    line = world.application.budget_lines.get()
    org = client_for(world.bidder)
    url = f"/projects/portal/reports/{report.pk}/"
    page = org.get(url)
    assert "保存并提交审核" in page.content.decode()
    bad = org.post(url, {"activities_held": "x", "exp-count": "0"}, follow=True)
    assert bad.status_code == 200 and "请输入不小于零的整数" in bad.content.decode()
    data = {"activities_held": "6", "beneficiaries_reached": "80", "summary": "中期",
            f"ind-{output.pk}-value": "300", f"ind-{share.pk}-numerator": "46", f"ind-{share.pk}-denominator": "50",
            "exp-count": "1", "exp-0-line": str(line.pk), "exp-0-amount": "41000", "exp-0-description": "活动",
            "submit": "1"}
    response = org.post(url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.actuals.get(indicator=share).value == Decimal("92.00")
    staff = client_for(world.street)
    detail = staff.get(f"/projects/reports/{report.pk}/").content.decode()
    assert "超出预算" in detail and "退回修改" in detail
    staff.post(f"/projects/reports/{report.pk}/review/", {"decision": "return", "note": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # a return needs comments
    staff.post(f"/projects/reports/{report.pk}/review/", {"decision": "return", "note": "请补充签到表"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert "请补充签到表" in org.get(url).content.decode()
    org.post(url, data)
    tranche = signed.tranches.get(sequence=2)
    release = f"/projects/contracts/{signed.pk}/tranches/{tranche.pk}/release/"
    refused = staff.post(release, {"date": "2026-10-20"}, follow=True).content.decode()
    assert "审核通过后拨付" in refused and not TranchePayment.objects.filter(tranche=tranche).exists()
    staff.post(f"/projects/reports/{report.pk}/review/", {"decision": "approve", "note": ""})
    staff.post(f"/projects/contracts/{signed.pk}/tranches/{signed.tranches.get(sequence=1).pk}/release/",
               {"date": "2026-01-05"})
    staff.post(release, {"date": "2026-10-20", "payer": "广东路街道财政所"})
    payment = TranchePayment.objects.get(tranche=tranche)
    assert (payment.amount, payment.date, payment.payer_name) == (Decimal("28000.00"), datetime.date(2026, 10, 20),
                                                                   "广东路街道财政所")
    assert PaymentTranche.objects.get(pk=tranche.pk).status == "met"
    page = staff.get(f"/projects/contracts/{signed.pk}/reports/").content.decode()
    assert "已于 2026-10-20 由 广东路街道财政所" in page


def test_api_fill_submit_review_release(world, signed, api_for):
    report = signed.progress_reports.get(sequence=3)
    output, share = signed.indicators.order_by("position", "id")
    org = api_for(world.bidder)
    base = f"/api/v1/projects/portal/reports/{report.pk}/"
    bad = org.put(base, {"actuals": [{"indicator": share.pk, "numerator": "9", "denominator": "5"}]}, format="json")
    assert bad.status_code == 400 and "分子不能大于分母" in str(bad.json())
    assert org.post(base + "submit/").status_code == 400
    body = {"activities_held": 4, "actuals": [{"indicator": output.pk, "value": "120"},
                                              {"indicator": share.pk, "numerator": "9", "denominator": "10"}]}
    assert org.put(base, body, format="json").status_code == 200
    assert org.post(base + "submit/").json()["status"] == "submitted"
    staff = api_for(world.street)
    assert staff.post(f"/api/v1/projects/reports/{report.pk}/review/", {"decision": "approve"},
                      format="json").json()["status"] == "approved"
    tranche = signed.tranches.get(sequence=2)
    release = f"/api/v1/projects/contracts/{signed.pk}/tranches/{tranche.pk}/release/"
    early = staff.post(release, {"paid_on": "2026-10-20"}, format="json")
    assert early.status_code == 409 and "第 1 期之后支付" in early.json()["message"]
    staff.post(f"/api/v1/projects/contracts/{signed.pk}/tranches/{signed.tranches.get(sequence=1).pk}/release/",
               {"paid_on": "2026-01-05"}, format="json")
    paid = staff.post(release, {"paid_on": "2026-10-20"}, format="json")
    assert paid.status_code == 201 and paid.json()["amount"] == "28000.00"
    again = staff.post(release, {"paid_on": "2026-10-21"}, format="json")
    assert again.status_code == 409 and TranchePayment.objects.filter(tranche=tranche).count() == 1


def test_todo_entries(world, signed, users):
    from governance.registry import todo_items

    report = signed.progress_reports.get(sequence=1)
    keys = {item.key: item.count for item in todo_items(world.bidder)}
    assert keys.get("projects.portal.reports") == 3  # due by now (2026-12-02 + 14 days): quarters 1-3
    ProgressReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    assert {i.key: i.count for i in todo_items(world.street)}.get("projects.report.review") == 1
    assert "projects.report.review" not in {i.key for i in todo_items(users["street2_a"])}


def test_staff_list_query_budget(world, users, client_for, query_budget):
    client = client_for(world.street)
    query_budget(lambda n: _rows(world, n), lambda: client.get("/projects/reports/"), sizes=(3, 20),
                 expected=6, warm=True)


def test_portal_list_query_budget(world, users, client_for, query_budget):
    client = client_for(world.bidder)
    query_budget(lambda n: _rows(world, n), lambda: client.get("/projects/portal/reports/"), sizes=(3, 20),
                 expected=7, warm=True)


@pytest.mark.parametrize("url", ["/api/v1/projects/reports/", "/api/v1/projects/portal/reports/"])
def test_list_api_query_budget(world, users, api_for, query_budget, url):
    client = api_for(world.bidder if "portal" in url else world.street)
    # savepoint, (memberships on the portal), count, page, release (the token comes from the cache)
    query_budget(lambda n: _rows(world, n), lambda: client.get(url), sizes=(3, 20),
                 expected=5 if "portal" in url else 4, rows=lambda response: len(response.json()["results"]))



def test_evidence_files_download_for_staff_and_the_organization_only(world, signed, users, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = signed.progress_reports.get(sequence=1)
    org = client_for(world.bidder)
    org.post(f"/projects/portal/reports/{report.pk}/evidence/",
             {"file": SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 sign-in sheet")})
    evidence = report.evidence.get()
    staff_url = f"/projects/reports/{report.pk}/evidence/{evidence.pk}/"
    portal_url = f"/projects/portal/reports/{report.pk}/evidence/{evidence.pk}/"
    assert portal_url in org.get(f"/projects/portal/reports/{report.pk}/").content.decode()
    assert staff_url in client_for(world.street).get(f"/projects/reports/{report.pk}/").content.decode()
    for client, url in ((org, portal_url), (client_for(world.street), staff_url),
                        (client_for(users["community_a"]), staff_url)):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content) == b"%PDF-1.4 sign-in sheet"
        assert "attachment" in response["Content-Disposition"]
    for user, url in ((users["street2_a"], staff_url), (users["street_b"], staff_url),  # outside, tenant B
                      (world.other_org_user, portal_url), (world.bidder, staff_url), (world.street, portal_url),
                      (users["street_b"], portal_url)):
        assert client_for(user).get(url).status_code == 404, (user, url)
    # Another report's file through this report's URL, or a file id that does not exist: 404.
    other = signed.progress_reports.get(sequence=2)
    assert client_for(world.street).get(f"/projects/reports/{other.pk}/evidence/{evidence.pk}/").status_code == 404
    assert org.get(f"/projects/portal/reports/{report.pk}/evidence/{evidence.pk + 999}/").status_code == 404
