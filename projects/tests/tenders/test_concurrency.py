"""Parallel double submissions on PostgreSQL: six identical bids leave one, six awards of one tender leave one;
the losers get the same translated 409 as the check, never a 500. The constraints hold on every backend."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from orgs.tests.test_concurrency import _in_parallel
from projects.models import Award, Bid, BidStatus
from projects.services import tenders as services
from projects.tests.factories import BidFactory
from projects.tests.tenders.conftest import breakdown


@pytest.mark.django_db
def test_database_keeps_one_live_bid_per_organization(world):
    tender = world.open()
    BidFactory(tender=tender, organization=world.orgs[0], budget_breakdown=breakdown("75000"))
    with pytest.raises(IntegrityError), transaction.atomic():
        BidFactory(tender=tender, organization=world.orgs[0], budget_breakdown=breakdown("75000"))
    BidFactory(tender=tender, organization=world.orgs[0], status=BidStatus.WITHDRAWN)  # history is unbounded


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_parallel_bids_of_one_organization_leave_one(world, api_for):
    assert connection.vendor == "postgresql"
    tender = world.open()
    api = api_for(world.bidder)
    body = {"tender": tender.pk, "organization": world.orgs[0].pk, "proposal": "方案", "team_size": 3,
            "team_social_workers": 1, "price": "70000", "budget_breakdown": breakdown("70000")}
    results = _in_parallel(6, lambda: api.post("/api/v1/projects/portal/bids/", body, format="json"))
    statuses = sorted(r.status_code if hasattr(r, "status_code") else repr(r) for r in results)
    assert statuses == [201, 409, 409, 409, 409, 409], statuses
    messages = {r.json()["message"] for r in results if r.status_code == 409}
    assert len(messages) == 1 and "已有投标" in messages.pop()
    with world.in_tenant(world.tenant):
        assert Bid.objects.filter(tender=tender).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_parallel_awards_of_one_tender_leave_one(world, api_for):
    assert connection.vendor == "postgresql"
    tender = world.open()
    bids = [world.bid(tender, org=world.orgs[i], price=p) for i, p in enumerate(("70000", "72000", "74000"))]
    world.close_window(tender)
    with world.in_tenant(world.tenant):
        for bid in bids:
            services.bid_qualify(actor=world.street, bid=bid, valid=True)
            services.bid_evaluate(actor=world.street, bid=bid, quality_score=80)
    api = api_for(world.street)
    results = _in_parallel(6, lambda: [api.post(f"/api/v1/projects/tenders/{tender.pk}/award/",
                                                 {"bid": bid.pk, "reason": "并发授标"}, format="json")
                                        for bid in bids[:1]][0])
    statuses = sorted(r.status_code if hasattr(r, "status_code") else repr(r) for r in results)
    assert statuses == [201, 409, 409, 409, 409, 409], statuses
    with world.in_tenant(world.tenant):
        assert Award.objects.filter(tender=tender).count() == 1
