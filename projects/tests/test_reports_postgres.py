"""Parallel double releases of one tranche on PostgreSQL: six requests record one payment; the others get the
same translated 409, never a 500."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from orgs.tests.test_concurrency import _in_parallel
from projects.models import PaymentTranche, TranchePayment
from projects.services import contracts as contract_services
from projects.tests.tenders.conftest import World


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_parallel_releases_of_one_tranche_record_one_payment(tree_a, tree_b, users, in_tenant, api_for):
    assert connection.vendor == "postgresql"
    world = World(tree_a, tree_b, users, in_tenant)
    tender, bids, award = world.awarded()
    with in_tenant(world.tenant):
        world.past_standstill(award)
    contract = world.contract(award, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    with in_tenant(world.tenant):
        contract_services.contract_sign(actor=world.street, contract=contract)
        tranche = PaymentTranche.objects.get(contract=contract, sequence=1)
    api = api_for(world.street)
    url = f"/api/v1/projects/contracts/{contract.pk}/tranches/{tranche.pk}/release/"
    results = _in_parallel(6, lambda: api.post(url, {"paid_on": "2026-01-05"}, format="json"))
    statuses = sorted(r.status_code if hasattr(r, "status_code") else repr(r) for r in results)
    assert statuses == [201, 409, 409, 409, 409, 409], statuses
    messages = {r.json()["message"] for r in results if r.status_code == 409}
    assert messages == {"这一期已经结清。"}
    with in_tenant(world.tenant):
        assert TranchePayment.objects.filter(tranche=tranche).count() == 1
        assert PaymentTranche.objects.get(pk=tranche.pk).status == "met"
