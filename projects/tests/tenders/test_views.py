"""Pages and API of tenders, bids, awards, contracts and the portal: scoping (tenant B, outside the
jurisdiction, another organization → 404), the steps through HTTP, and exact query counts at two sizes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.models import ApplicationStatus, Award, Bid, Contract, PaymentTranche, TenderStatus
from projects.tests.factories import (
    ApplicationFactory,
    AwardFactory,
    BidFactory,
    ContractFactory,
    TenderFactory,
    TrancheFactory,
)
from projects.tests.tenders.conftest import breakdown

pytestmark = pytest.mark.django_db

STAFF_LISTS = ["/projects/tenders/", "/projects/bids/", "/projects/awards/", "/projects/contracts/",
               "/projects/risks/"]
API_LISTS = ["/api/v1/projects/tenders/", "/api/v1/projects/bids/", "/api/v1/projects/awards/",
             "/api/v1/projects/contracts/"]


def _rows(world, n, *, org=None):
    """``n`` approved projects, each tendered with one bid, awarded and contracted (factories, no services)."""
    made = []
    for _ in range(n):
        application = ApplicationFactory(program=world.program, region=world.tree["community"],
                                         status=ApplicationStatus.APPROVED, approved_amount=Decimal("80000"))
        tender = TenderFactory(application=application, status=TenderStatus.COMPLETE)
        bid = BidFactory(tender=tender, organization=org or world.orgs[0], status="valid",
                         budget_breakdown=breakdown("75000"))
        award = AwardFactory(bid=bid, status="active")
        contract = ContractFactory(application=application, organization=bid.organization, award=award,
                                   amount=award.amount)
        TrancheFactory(contract=contract, percentage=Decimal("100"))
        made.append(contract)
    return made


@pytest.fixture
def flow(world):
    tender, bids, award = world.awarded()
    world.past_standstill(award)
    contract = world.contract(award)
    return {"tender": tender, "bid": bids[0], "award": award, "contract": contract}


# --- scoping -------------------------------------------------------------------------------------


def test_staff_lists_and_details_are_scoped(world, flow, users, client_for):
    details = [f"/projects/tenders/{flow['tender'].pk}/", f"/projects/contracts/{flow['contract'].pk}/"]
    own = client_for(users["street_a"])
    for url in STAFF_LISTS + details:
        assert own.get(url).status_code == 200, url
    assert flow["contract"].number in own.get("/projects/contracts/").content.decode()
    for user in (users["admin_b"], users["street_b"], users["street2_a"]):
        client = client_for(user)
        for url in details:
            assert client.get(url).status_code == 404, (user, url)
        page = client.get("/projects/contracts/").content.decode()
        assert flow["contract"].number not in page
        assert flow["tender"].ocid not in client.get("/projects/tenders/").content.decode()
    for user in (users["org_a"], users["norole_a"], users["expert_a"]):
        for url in STAFF_LISTS + details:
            assert client_for(user).get(url).status_code == 404, (user, url)


def test_api_is_scoped(world, flow, users, api_for):
    own = api_for(users["street_a"])
    for url in API_LISTS:
        response = own.get(url)
        assert response.status_code == 200 and response.json()["count"] >= 1, url
    details = [f"/api/v1/projects/tenders/{flow['tender'].pk}/", f"/api/v1/projects/bids/{flow['bid'].pk}/",
               f"/api/v1/projects/contracts/{flow['contract'].pk}/"]
    for url in details:
        assert own.get(url).status_code == 200, url
    for user in (users["admin_b"], users["street2_a"]):
        client = api_for(user)
        for url in details:
            assert client.get(url).status_code == 404, (user, url)
        for url in API_LISTS:
            assert client.get(url).json()["count"] == 0, (user, url)
    contract = own.get(details[2]).json()
    assert [t["percentage"] for t in contract["tranches"]] == ["30.00", "40.00", "30.00"]
    assert len(contract["indicators"]) == 2


def test_portal_shows_only_own_bids_and_contracts(world, flow, users, client_for, api_for):
    mine = client_for(world.bidder)
    bid_url, contract_url = f"/projects/portal/bids/{flow['bid'].pk}/", f"/projects/portal/contracts/{flow['contract'].pk}/"
    assert mine.get(bid_url).status_code == 200
    page = mine.get(contract_url)
    assert page.status_code == 200 and "分期付款" in page.content.decode()
    assert flow["contract"].number in mine.get("/projects/portal/contracts/").content.decode()
    other = client_for(world.other_org_user)
    for url in (bid_url, contract_url, f"/projects/portal/bids/{flow['bid'].pk}/edit/"):
        assert other.get(url).status_code == 404, url
    assert flow["contract"].number not in other.get("/projects/portal/contracts/").content.decode()
    for user in (users["street_a"], users["admin_b"]):
        assert client_for(user).get(bid_url).status_code == 404
        assert client_for(user).get("/projects/portal/calls/").status_code == 404
    other_api = api_for(world.other_org_user)
    assert other_api.get(f"/api/v1/projects/portal/bids/{flow['bid'].pk}/").status_code == 404
    assert other_api.get(f"/api/v1/projects/portal/contracts/{flow['contract'].pk}/").status_code == 404
    assert other_api.get("/api/v1/projects/portal/contracts/").json()["count"] == 0
    assert api_for(world.bidder).get("/api/v1/projects/portal/contracts/").json()["count"] == 1


# --- the steps through HTTP ------------------------------------------------------------------


def test_portal_call_explains_eligibility_and_takes_a_bid(world, users, client_for):
    from orgs.tests.factories import CreditRecordFactory

    tender = world.open()
    CreditRecordFactory(organization=world.orgs[1])
    client = client_for(world.bidder)
    assert tender.title in client.get("/projects/portal/calls/").content.decode()
    page = client.get(f"/projects/portal/calls/{tender.pk}/").content.decode()
    assert "不符合资格" in page and "活动异常名录" in page and "符合资格：满足全部条件" in page
    url = f"/projects/portal/calls/{tender.pk}/bid/{world.orgs[0].pk}/"
    form = {"proposal": "方案", "team_size": 4, "team_social_workers": 1, "price": "90000",
            "lines-TOTAL_FORMS": 2, "lines-INITIAL_FORMS": 0,
            "lines-0-category": "personnel", "lines-0-amount": "45000", "lines-1-category": "activities",
            "lines-1-amount": "45000"}
    refused = client.post(url, form)
    assert refused.status_code == 200 and "超过招标预算" in refused.content.decode()
    assert not Bid.objects.exists()
    form.update({"price": "70000", "lines-0-amount": "35000", "lines-1-amount": "35000"})
    response = client.post(url, form)
    assert response.status_code == 302
    bid = Bid.objects.get()
    assert bid.price == Decimal("70000") and bid.organization_id == world.orgs[0].pk
    # the credit-listed organization cannot bid, even by URL
    listed = client.post(f"/projects/portal/calls/{tender.pk}/bid/{world.orgs[1].pk}/", form)
    assert "不符合投标资格" in listed.content.decode() and Bid.objects.count() == 1
    # another user's organization: 404
    assert client.get(f"/projects/portal/calls/{tender.pk}/bid/{world.other_org.pk}/").status_code == 404
    withdrawn = client.post(f"/projects/portal/bids/{bid.pk}/withdraw/")
    assert withdrawn.status_code == 302 and Bid.objects.get().status == "withdrawn"


def test_staff_award_and_contract_through_the_pages(world, users, client_for):
    tender = world.open()
    bid = world.bid(tender)
    world.close_window(tender)
    client = client_for(world.street)
    assert client.post(f"/projects/tenders/{tender.pk}/bids/{bid.pk}/qualify/", {"decision": "valid"}).status_code == 302
    client.post(f"/projects/tenders/{tender.pk}/bids/{bid.pk}/evaluate/", {"quality_score": "85"})
    client.post(f"/projects/tenders/{tender.pk}/award/", {"bid": bid.pk, "reason": "唯一有效投标且得分合格"})
    award = Award.objects.get()
    # another street may not act on it
    assert client_for(users["street2_a"]).post(f"/projects/awards/{award.pk}/contract/").status_code == 404
    world.past_standstill(award)
    url = f"/projects/awards/{award.pk}/contract/"
    start = timezone.localdate()
    form = {"start_date": start.isoformat(), "end_date": (start.replace(year=start.year + 4)).isoformat(),
            "tranches-TOTAL_FORMS": 2, "tranches-INITIAL_FORMS": 0,
            "tranches-0-percentage": "50", "tranches-0-trigger": "signing",
            "tranches-1-percentage": "50", "tranches-1-trigger": "final_acceptance", "tranches-1-depends_on": "1"}
    four_years = client.post(url, form).content.decode()
    assert "最长一年" in four_years and not Contract.objects.exists()
    form["end_date"] = (start + datetime.timedelta(days=300)).isoformat()
    form["tranches-1-percentage"] = "40"
    not_100 = client.post(url, form).content.decode()
    assert "分期付款比例之和必须为 100" in not_100 and not Contract.objects.exists()
    form["tranches-1-percentage"] = "50"
    assert client.post(url, form).status_code == 302
    contract = Contract.objects.get()
    assert PaymentTranche.objects.filter(contract=contract).count() == 2
    assert client.post(f"/projects/contracts/{contract.pk}/sign/", {"date": start.isoformat()}).status_code == 302
    contract.refresh_from_db()
    assert contract.status == "active" and contract.signed_on == start


def test_api_refusals_are_clear_and_save_nothing(world, users, api_for):
    tender = world.open()
    client = api_for(world.bidder)
    body = {"tender": tender.pk, "organization": world.orgs[0].pk, "proposal": "方案", "team_size": 3,
            "team_social_workers": 1, "price": "80001", "budget_breakdown": breakdown("80001")}
    response = client.post("/api/v1/projects/portal/bids/", body, format="json")
    assert response.status_code == 400 and "超过招标预算" in response.json()["message"]
    body.update(price="70000", budget_breakdown=breakdown("70000"))
    assert client.post("/api/v1/projects/portal/bids/", body, format="json").status_code == 201
    again = client.post("/api/v1/projects/portal/bids/", body, format="json")
    assert again.status_code == 409 and "已有投标" in again.json()["message"]
    assert Bid.objects.count() == 1
    other = api_for(world.other_org_user)
    body["organization"] = world.orgs[1].pk  # not theirs
    assert other.post("/api/v1/projects/portal/bids/", body, format="json").status_code == 404


def test_api_contract_term_and_second_award(world, users, api_for):
    tender, bids, award = world.awarded()
    staff = api_for(world.street)
    second = staff.post(f"/api/v1/projects/tenders/{tender.pk}/award/", {"bid": bids[1].pk, "reason": "x"},
                        format="json")
    assert second.status_code == 409 and "已经授标" in second.json()["message"]
    world.past_standstill(award)
    start = timezone.localdate()
    body = {"start_date": start.isoformat(), "end_date": start.replace(year=start.year + 4).isoformat(),
            "continuous_service": True, "tranches": [{"percentage": "100", "trigger": "signing"}]}
    refused = staff.post(f"/api/v1/projects/awards/{award.pk}/contract/", body, format="json")
    assert refused.status_code == 400 and "最长三年" in refused.json()["message"]
    assert not Contract.objects.exists()


# --- query budgets ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", STAFF_LISTS[:4])
def test_staff_list_pages_query_budget(world, users, client_for, query_budget, url):
    client = client_for(world.street)
    expected = {"/projects/tenders/": 7, "/projects/bids/": 6, "/projects/awards/": 6, "/projects/contracts/": 6}
    query_budget(lambda n: _rows(world, n), lambda: client.get(url), sizes=(3, 25), expected=expected[url],
                 warm=True)


@pytest.mark.parametrize("url", API_LISTS + ["/api/v1/projects/portal/bids/", "/api/v1/projects/portal/contracts/"])
def test_list_api_query_budget(world, users, api_for, query_budget, url):
    client = api_for(world.bidder if "portal" in url else world.street)
    # The token and the roles come from the cache: savepoint, count, page, a to-many column (+ the
    # organization user's memberships on the portal).
    query_budget(lambda n: _rows(world, n), lambda: client.get(url + "?page_size=50"), sizes=(3, 25),
                 expected=5 if "portal" in url else 4,
                 rows=lambda response: len(response.json()["results"]))


def test_portal_pages_query_budget(world, users, client_for, query_budget):
    client = client_for(world.bidder)
    query_budget(lambda n: _rows(world, n), lambda: client.get("/projects/portal/contracts/"), sizes=(3, 25),
                 expected=7, warm=True)


@pytest.mark.parametrize("url,action", [("/projects/tenders/export/", "tender.export"),
                                        ("/projects/bids/export/", "bid.export"),
                                        ("/projects/awards/export/", "award.export"),
                                        ("/projects/contracts/export/", "contract.export")])
def test_exports_are_scoped_and_audited(world, flow, users, client_for, url, action):
    import io

    from openpyxl import load_workbook

    from governance.models import AuditEvent

    def rows(user):
        response = client_for(user).get(url)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        return sheet.max_row - 1

    assert rows(world.street) == (2 if "bids" in url else 1)  # the flow has two bids
    assert rows(users["street2_a"]) == 0
    assert AuditEvent.objects.filter(action=action).count() == 2
    assert client_for(world.bidder).get(url).status_code == 404


def test_tender_opened_from_the_list_page(world, users, client_for):
    client = client_for(world.street)
    page = client.get("/projects/tenders/").content.decode()
    url = f"/projects/applications/{world.application.pk}/tender/"
    assert url in page
    assert url not in client_for(users["street2_a"]).get("/projects/tenders/").content.decode()
    assert client_for(users["street2_a"]).get(url).status_code == 404
    assert client_for(users["community_a"]).get(url).status_code == 404  # the applying unit does not tender
    now = timezone.localtime()
    form = {"bid_opens": now.strftime("%Y-%m-%dT%H:%M"), "bid_closes": (now + datetime.timedelta(days=7)).strftime(
        "%Y-%m-%dT%H:%M"), "price_weight": "40", "quality_weight": "50", "standstill_days": "7"}
    refused = client.post(url, form).content.decode()
    assert "之和必须为 100" in refused
    form["quality_weight"] = "60"
    assert client.post(url, form).status_code == 302
    tender = world.application.tenders.get()
    assert tender.price_weight == Decimal("40")
    assert url not in client.get("/projects/tenders/").content.decode()


def test_bid_attachments_are_served_only_after_the_access_check(world, users, client_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    tender = world.open()
    client = client_for(world.bidder)
    url = f"/projects/portal/calls/{tender.pk}/bid/{world.orgs[0].pk}/"
    form = {"proposal": "方案", "team_size": 4, "team_social_workers": 1, "price": "70000",
            "lines-TOTAL_FORMS": 1, "lines-INITIAL_FORMS": 0, "lines-0-category": "personnel",
            "lines-0-amount": "70000", "attachment": SimpleUploadedFile("方案.pdf", b"%PDF-1.4 test", "application/pdf")}
    assert client.post(url, form).status_code == 302
    bid = Bid.objects.get()
    attachment = bid.attachments.get()
    portal_url = f"/projects/portal/bids/{bid.pk}/attachments/{attachment.pk}/"
    staff_url = f"/projects/bids/{bid.pk}/attachments/{attachment.pk}/"
    assert b"".join(client.get(portal_url).streaming_content) == b"%PDF-1.4 test"
    assert "人员经费" in client.get(f"/projects/portal/bids/{bid.pk}/").content.decode()
    assert client_for(world.other_org_user).get(portal_url).status_code == 404
    assert client_for(world.street).get(staff_url).status_code == 200
    for user in (users["street2_a"], users["admin_b"], world.other_org_user):
        assert client_for(user).get(staff_url).status_code == 404
    bad = dict(form, attachment=SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream"))
    other = client_for(world.bidder).post(f"/projects/portal/calls/{tender.pk}/bid/{world.orgs[1].pk}/", bad)
    assert "允许的文件类型" in other.content.decode() or "Allowed file types" in other.content.decode()
    assert Bid.objects.count() == 1
