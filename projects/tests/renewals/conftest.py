"""Fixtures of the renewal tests: contracts of tenant A's street ending around ``TODAY`` (15 November 2026), final
evaluations with chosen bands, and the tender world (an awarded, signed contract with indicators and tranches)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.models import Contract, ContractStatus, Evaluation, EvaluationStatus
from projects.services import contracts as contract_services
from projects.tests.factories import ContractFactory
from projects.tests.tenders.conftest import World

TODAY = datetime.date(2026, 11, 15)
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)  # ends 46 days after TODAY


@pytest.fixture
def world(tree_a, tree_b, users, in_tenant):
    made = World(tree_a, tree_b, users, in_tenant)
    with in_tenant(made.tenant):
        yield made


def contract(world, *, start=START, end=END, org=None, prior=None, status=ContractStatus.ACTIVE, **extra) -> Contract:
    return ContractFactory(application=world.application, organization=org or world.orgs[0], start_date=start,
                           end_date=end, prior_contract=prior, status=status,
                           signed_on=None if status == ContractStatus.PENDING else start, **extra)


def final(contract, *, band: str, score: str, published: bool = True, period=None) -> Evaluation:
    now = timezone.now()
    return Evaluation.objects.create(
        tenant=contract.tenant, contract=contract, kind="final", period=period or contract.end_date,
        status=EvaluationStatus.PUBLISHED if published else EvaluationStatus.COMPUTED, score=Decimal(score),
        band=band, input_hash="0" * 64, formula_version="test", computed_at=now,
        published_at=now if published else None)


@pytest.fixture
def signed(world):
    """The awarded contract of the tender world, signed: 1 January–31 December 2026, 70,000 yuan, two
    indicators (weights 60/40) and three tranches (30 % at signing, 40 % mid-term, 30 % final)."""
    tender, bids, award = world.awarded()
    world.past_standstill(award)
    made = world.contract(award, start=START, end=END)
    contract_services.contract_sign(actor=world.street, contract=made, signed_on=datetime.date(2025, 12, 20))
    return made
