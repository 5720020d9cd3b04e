"""The demo seeder of tenders and contracts (both tenants, three years, idempotent) and the risk flags."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from governance.demo import seed_demo
from governance.models import Tenant
from governance.tenancy import tenant_context
from orgs.demo import seed_orgs_demo
from projects.demo import seed_for_demo
from projects.demo_tenders import seed_tenders
from projects.models import Award, Bid, Contract, PaymentTranche, Tender
from projects.selectors_tenders import risk_flags
from projects.services import tenders as services


@pytest.mark.django_db
def test_demo_tenders_and_contracts_in_both_tenants_once():
    seed_demo(communities_per_street=2, grids_per_community=1)
    seed_orgs_demo(counts={"hengyang": 30, "zhuzhou": 12})
    seed_for_demo()
    seed_tenders()
    for slug in ("hengyang", "zhuzhou"):
        with tenant_context(Tenant.objects.get(slug=slug)):
            assert Tender.objects.count() >= 2, slug
            assert Bid.objects.exists() and Award.objects.exists()
            years = {c.start_date.year for c in Contract.objects.all()}
            assert len(years) >= 2, (slug, years)
            for contract in Contract.objects.all():
                total = sum(t.percentage for t in PaymentTranche.objects.filter(contract=contract))
                assert total == Decimal("100")
                assert contract.indicators.exists()
            counts = Tender.objects.count()
    seed_tenders()
    with tenant_context(Tenant.objects.get(slug="zhuzhou")):
        assert Tender.objects.count() == counts


@pytest.mark.django_db
def test_risk_flags(world, users):
    tender = world.open(budget_amount=Decimal("80000"))
    world.bid(tender, price="80000")  # at the cap, and the only bid
    world.close_window(tender)
    kinds = {flag.kind for flag in risk_flags(user=world.street)}
    assert {"single_bidder", "price_at_cap"} <= kinds
    assert risk_flags(user=users["street_b"]) == [] and risk_flags(user=users["street2_a"]) == []
    # the same organization winning three times in one community
    from projects.tests.factories import ApplicationFactory

    for _ in range(3):
        world.application = ApplicationFactory(program=world.program, region=world.tree["community"],
                                               status="approved", approved_amount=Decimal("80000"))
        world.awarded(prices=("70000", "75000"))
    repeat = [f for f in risk_flags(user=world.street) if f.kind == "repeat_winner"]
    assert len(repeat) == 1 and world.orgs[0].name in repeat[0].detail


@pytest.mark.django_db
def test_price_score_formula():
    assert services.price_score(price=Decimal("80000"), lowest=Decimal("60000")) == Decimal("75.00")
    assert services.price_score(price=Decimal("60000"), lowest=Decimal("60000")) == Decimal("100")
    assert timezone.localdate() - datetime.timedelta(days=1) < timezone.localdate()


@pytest.mark.django_db
def test_risk_export_is_scoped_filtered_and_audited(world, users, client_for):
    import io

    from openpyxl import load_workbook

    from governance.models import AuditEvent

    tender = world.open(budget_amount=Decimal("80000"))
    world.bid(tender, price="80000")
    world.close_window(tender)

    def rows(user, query=""):
        response = client_for(user).get(f"/projects/risks/export/{query}")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        return [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)]

    every = rows(world.street)
    assert {row[0] for row in every} == {"单一投标人", "报价等于预算上限"}
    assert all(tender.title in row[1] for row in every)
    single = rows(world.street, "?kind=single_bidder")
    assert [row[0] for row in single] == ["单一投标人"]
    assert rows(users["street2_a"]) == [] and rows(users["street_b"]) == []
    events = AuditEvent.objects.filter(action="risk.export", actor=world.street).order_by("pk")
    assert [e.changes for e in events] == [{"filters": {}, "rows": 2},
                                           {"filters": {"kind": "single_bidder"}, "rows": 1}]
    assert client_for(world.bidder).get("/projects/risks/export/").status_code == 404
    page = client_for(world.street).get("/projects/risks/").content.decode()
    assert "/projects/risks/export/" in page
