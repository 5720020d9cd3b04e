"""Regressions of schemathesis' portal pass (scripts/fuzz_api.sh, as an organization user): schema-valid requests
that were refused. An empty ``ordering`` is the default order on every list that sorts; decimal inputs are plain
decimal strings, documented by their pattern, so an empty string is schema-invalid and refused with the field named."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from projects.models import ApplicationStatus, Bid, Tender
from projects.tests.factories import ApplicationFactory
from projects.tests.tenders.conftest import breakdown

pytestmark = pytest.mark.django_db

PORTAL_LISTS = ["/api/v1/projects/portal/bids/", "/api/v1/projects/portal/calls/",
                "/api/v1/projects/portal/contracts/"]
STAFF_LISTS = ["/api/v1/projects/tenders/", "/api/v1/projects/bids/", "/api/v1/projects/awards/",
               "/api/v1/projects/contracts/", "/api/v1/projects/programs/", "/api/v1/projects/applications/",
               "/api/v1/orgs/", "/api/v1/regions/"]


@pytest.fixture
def schema(api_for, users):
    return api_for(users["admin_a"]).get("/api/schema/?format=json").json()


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def bids(world):
    """An awarded tender with a contract, and a second project open for bids with a bid, so that every portal
    list has rows."""
    _tender, bids, award = world.awarded()
    world.past_standstill(award)
    world.contract(award)
    with world.in_tenant(world.tenant):
        world.application = ApplicationFactory(program=world.program, region=world.tree["community"],
                                               status=ApplicationStatus.APPROVED, approved_amount=Decimal("80000"))
    return [*bids, world.bid(world.open(), org=world.orgs[2], price="72000")]


@pytest.mark.parametrize("url", PORTAL_LISTS)
def test_empty_ordering_is_the_default_order_on_the_portal(world, bids, api_for, url):
    client = api_for(world.bidder)
    default = _ids(client.get(url))
    assert default
    assert _ids(client.get(url + "?ordering=")) == default


@pytest.mark.parametrize("url", STAFF_LISTS)
def test_empty_ordering_is_the_default_order_on_staff_lists(world, bids, users, api_for, url):
    client = api_for(users["admin_a"])
    default = _ids(client.get(url))
    assert default
    assert _ids(client.get(url + "?ordering=")) == default


def test_portal_lists_sort_by_their_documented_fields_only(world, bids, api_for, schema):
    client = api_for(world.bidder)
    by_price = client.get("/api/v1/projects/portal/bids/?ordering=price").json()["results"]
    prices = [row["price"] for row in by_price]
    assert prices == sorted(prices, key=float) and len(prices) >= 3
    refused = client.get("/api/v1/projects/portal/bids/?ordering=proposal")
    assert refused.status_code == 400 and "ordering" in refused.json()["extra"]["fields"]
    parameter = next(p for p in schema["paths"]["/api/v1/projects/portal/bids/"]["get"]["parameters"]
                     if p["name"] == "ordering")
    assert parameter["schema"]["enum"] == ["", "submitted_at", "-submitted_at", "price", "-price"]
    # staff lists sorted by their selector document the empty value too
    parameter = next(p for p in schema["paths"]["/api/v1/projects/bids/"]["get"]["parameters"]
                     if p["name"] == "ordering")
    assert "" in parameter["schema"]["enum"] and "proposal" not in parameter["schema"]["enum"]


def _bid_body(world, tender, **changes) -> dict:
    return {"tender": tender.pk, "organization": world.orgs[0].pk, "proposal": "方案", "team_size": 3,
            "team_social_workers": 1, "price": "70000", "budget_breakdown": breakdown("70000"), **changes}


@pytest.mark.parametrize("changes,field", [
    ({"price": ""}, "price"),
    ({"price": 70000}, "price"),  # a JSON number: the document says a decimal string
    ({"price": "7e4"}, "price"),
    ({"budget_breakdown": [{"category": "personnel", "amount": ""}]}, "budget_breakdown"),
    ({"budget_breakdown": [{"category": "personnel", "amount": "-5"}]}, "budget_breakdown"),
])
def test_portal_bid_decimals_are_decimal_strings(world, api_for, schema, changes, field):
    tender = world.open()
    response = api_for(world.bidder).post("/api/v1/projects/portal/bids/", _bid_body(world, tender, **changes),
                                          format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["extra"]["fields"]
    assert "请填写合法的数字" in str(response.json()["extra"]) or "确保该值大于或等于" in str(response.json()["extra"])
    assert not Bid.objects.filter(tender=tender).exists()


def test_decimal_inputs_are_documented_with_their_pattern(schema):
    components = schema["components"]["schemas"]
    for component, name in [("BidInputRequest", "price"), ("PatchedBidUpdateRequest", "price"),
                            ("BreakdownRequest", "amount"), ("TenderInputRequest", "budget_amount"),
                            ("TenderInputRequest", "price_weight"), ("EvaluateInputRequest", "quality_score"),
                            ("TrancheInputRequest", "percentage")]:
        field = components[component]["properties"][name]
        assert field["type"] == "string" and field["pattern"], (component, name)
        assert not re.fullmatch(field["pattern"], ""), (component, name)
        assert re.fullmatch(field["pattern"], "12.5"), (component, name)


def test_staff_tender_refuses_an_empty_amount_and_saves_nothing(world, api_for):
    import datetime

    from django.utils import timezone

    now = timezone.now()
    body = {"application": world.application.pk, "budget_amount": "", "bid_opens": now.isoformat(),
            "bid_closes": (now + datetime.timedelta(days=7)).isoformat()}
    response = api_for(world.street).post("/api/v1/projects/tenders/", body, format="json")
    assert response.status_code == 400 and "budget_amount" in response.json()["extra"]["fields"]
    assert not Tender.objects.exists()


def test_contract_signing_date_is_documented_as_not_in_the_future(world, api_for, schema):
    import datetime

    from django.utils import timezone

    field = schema["components"]["schemas"]["SignInputRequest"]["properties"]["signed_on"]
    assert field["x-not-after"] == "today"
    _tender, _bids, award = world.awarded()
    world.past_standstill(award)
    contract = world.contract(award)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = api_for(world.street).post(f"/api/v1/projects/contracts/{contract.pk}/sign/", {"signed_on": tomorrow},
                                          format="json")
    assert response.status_code == 400 and "signed_on" in response.json()["extra"]["fields"]
    contract.refresh_from_db()
    assert contract.status == "pending" and contract.signed_on is None


def test_text_limits_of_the_tender_inputs_are_the_models(world, api_for, schema):
    """A note, reason or proposal the document allows is one the model keeps (they were 4 000 / 20 000 characters
    in the document and 2 000 / 10 000 in the model, so a schema-valid long text got a 400)."""
    components = schema["components"]["schemas"]
    assert components["EvaluateInputRequest"]["properties"]["note"]["maxLength"] == 2000
    assert components["AwardInputRequest"]["properties"]["reason"]["maxLength"] == 2000
    assert components["BidInputRequest"]["properties"]["proposal"]["maxLength"] == 10000
    assert components["BidInputRequest"]["properties"]["team_description"]["maxLength"] == 2000
    assert components["TenderInputRequest"]["properties"]["description"]["maxLength"] == 10000
    tender = world.open()
    bid = world.bid(tender)
    world.close_window(tender)
    staff = api_for(world.street)
    assert staff.post(f"/api/v1/projects/bids/{bid.pk}/qualify/", {"decision": "valid", "note": "合" * 2000},
                      format="json").status_code == 200
    evaluated = staff.post(f"/api/v1/projects/bids/{bid.pk}/evaluate/", {"quality_score": "80", "note": "评" * 2000},
                           format="json")
    assert evaluated.status_code == 200, evaluated.content
    too_long = staff.post(f"/api/v1/projects/bids/{bid.pk}/evaluate/", {"quality_score": "80", "note": "评" * 2001},
                          format="json")
    assert too_long.status_code == 400 and "note" in too_long.json()["extra"]["fields"]


def test_tender_inputs_take_json_types_as_documented(world, api_for):
    """The tender, bid, award and contract inputs are on the core InputSerializer: {"note": 0} is refused, not "0"."""
    tender = world.open()
    bid = world.bid(tender)
    staff = api_for(world.street)
    response = staff.post(f"/api/v1/projects/bids/{bid.pk}/qualify/", {"decision": "valid", "note": 0}, format="json")
    assert response.status_code == 400 and "note" in response.json()["extra"]["fields"]
    bid.refresh_from_db()
    assert bid.status == "pending"
    response = api_for(world.bidder).post(f"/api/v1/projects/portal/bids/{bid.pk}/withdraw/", {"note": 0},
                                          format="json")
    assert response.status_code == 400
    response = api_for(world.bidder).post("/api/v1/projects/portal/bids/",
                                          _bid_body(world, tender, team_size="3"), format="json")
    assert response.status_code == 400 and "team_size" in response.json()["extra"]["fields"]
    assert Bid.objects.filter(tender=tender).count() == 1
