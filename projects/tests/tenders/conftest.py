"""Fixtures of the tender and contract tests: an approved project of tenant A's street 广东路街道 with a
task book, eligible organizations (4A) an organization user acts for, and helpers to open a tender,
bid, close the window and award."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import make_user
from governance.models import Role
from orgs.tests.factories import EvaluationGradeFactory, MembershipFactory, OrganizationFactory
from projects.models import ApplicationStatus, Bid, Tender
from projects.services import contracts as contract_services
from projects.services import tenders as services
from projects.tests.factories import ApplicationFactory, IndicatorFactory, ProgramFactory


def breakdown(price) -> list[dict]:
    price = Decimal(price)
    half = (price / 2).quantize(Decimal("0.01"))
    return [{"category": "personnel", "amount": str(half), "description": "社工"},
            {"category": "activities", "amount": str(price - half), "description": "活动"}]


def bid_fields(price="70000", **extra) -> dict:
    return {"proposal": "上门探访、助餐、健康讲座。", "team_size": 5, "team_social_workers": 2, "price": Decimal(price),
            "budget_breakdown": breakdown(price), **extra}


TRANCHES = [{"percentage": Decimal("30"), "trigger": "signing"},
            {"percentage": Decimal("40"), "trigger": "midterm_acceptance", "depends_on": 1},
            {"percentage": Decimal("30"), "trigger": "final_acceptance", "depends_on": 2}]


class World:
    def __init__(self, tree_a, tree_b, users, in_tenant):
        self.tree, self.tree_b, self.users, self.in_tenant = tree_a, tree_b, users, in_tenant
        self.tenant = tree_a["tenant"]
        with in_tenant(self.tenant):
            self.program = ProgramFactory(region=tree_a["street"], min_grade="3A", min_years_registered=2)
            self.application = ApplicationFactory(program=self.program, region=tree_a["community"],
                                                  status=ApplicationStatus.APPROVED, approved_amount=Decimal("80000"))
            IndicatorFactory(application=self.application, weight=Decimal("60"))
            IndicatorFactory(application=self.application, weight=Decimal("40"), name="满意度", unit="%",
                             target=Decimal("90"), kind="satisfaction")
            self.orgs = [OrganizationFactory(region=tree_a["community"]) for _ in range(3)]
            for org in self.orgs:
                EvaluationGradeFactory(organization=org, grade="4A", awarded_date=timezone.localdate()
                                       - datetime.timedelta(days=300))
                MembershipFactory(organization=org, user=users["org_a"])
            self.other_org_user = make_user(self.tenant, "org2_a", Role.ORG_USER, tree_a["root"])
            self.other_org = OrganizationFactory(region=tree_a["community"])
            EvaluationGradeFactory(organization=self.other_org, grade="4A",
                                   awarded_date=timezone.localdate() - datetime.timedelta(days=300))
            MembershipFactory(organization=self.other_org, user=self.other_org_user)
        self.street = users["street_a"]
        self.bidder = users["org_a"]

    def open(self, **fields) -> Tender:
        now = timezone.now()
        with self.in_tenant(self.tenant):
            return services.tender_open(actor=self.street, application=self.application,
                                        bid_opens=now - datetime.timedelta(hours=1),
                                        bid_closes=now + datetime.timedelta(days=7), **fields)

    def bid(self, tender, org=None, price="70000", actor=None, **extra) -> Bid:
        with self.in_tenant(self.tenant):
            return services.bid_submit(actor=actor or self.bidder, tender=tender, organization=org or self.orgs[0],
                                       **bid_fields(price, **extra))

    def close_window(self, tender) -> None:
        closes = timezone.now() - datetime.timedelta(minutes=1)
        with self.in_tenant(self.tenant):
            Tender.objects.filter(pk=tender.pk).update(bid_closes=closes, bid_opens=closes - datetime.timedelta(days=7))
        tender.bid_closes, tender.bid_opens = closes, closes - datetime.timedelta(days=7)

    def awarded(self, prices=("70000", "75000")):
        tender = self.open()
        bids = [self.bid(tender, org=self.orgs[i], price=p) for i, p in enumerate(prices)]
        self.close_window(tender)
        with self.in_tenant(self.tenant):
            for bid in bids:
                services.bid_qualify(actor=self.street, bid=bid, valid=True)
                services.bid_evaluate(actor=self.street, bid=bid, quality_score=Decimal("80"))
            award = services.tender_award(actor=self.street, tender=tender, bid=bids[0], reason="综合得分最高")
        return tender, bids, award

    def past_standstill(self, award) -> None:
        from projects.models import Award

        Award.objects.filter(pk=award.pk).update(standstill_ends=timezone.localdate())
        award.standstill_ends = timezone.localdate()

    def contract(self, award, *, start=None, end=None, tranches=TRANCHES, **extra):
        start = start or timezone.localdate()
        end = end or start + datetime.timedelta(days=364)
        with self.in_tenant(self.tenant):
            return contract_services.contract_create(actor=self.street, award=award, start_date=start, end_date=end,
                                                     tranches=tranches, **extra)


@pytest.fixture
def world(tree_a, tree_b, users, in_tenant):
    return World(tree_a, tree_b, users, in_tenant)


@pytest.fixture(autouse=True)
def _tenant_a_active(request):
    """Tests with a ``world`` read rows of tenant A directly; requests set their own tenant."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    if "world" not in request.fixturenames or transactional:  # other threads must see committed rows
        yield
        return
    world = request.getfixturevalue("world")
    with world.in_tenant(world.tenant):
        yield
