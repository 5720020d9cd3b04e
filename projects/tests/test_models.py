"""Database constraints of the project models (the last line of defence behind the services)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from governance.tenancy import TenantNotSetError, no_tenant, tenant_context
from orgs.tests.factories import OrganizationFactory
from projects.models import Application, AwardStatus, BidStatus, FundingProgram
from projects.tests.factories import (
    ApplicationFactory,
    AwardFactory,
    BidFactory,
    BudgetLineFactory,
    ContractFactory,
    CriterionFactory,
    ProgramFactory,
    ReviewTemplateFactory,
    TenderFactory,
    TrancheFactory,
)


@pytest.fixture
def project(tree_a):
    with tenant_context(tree_a["tenant"]):
        program = ProgramFactory(region=tree_a["street"])
        application = ApplicationFactory(program=program, region=tree_a["community"])
        org = OrganizationFactory(region=tree_a["street"])
        tender = TenderFactory(application=application)
    return {"program": program, "application": application, "org": org, "tender": tender}


def refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_program_amounts_and_windows(tree_a, project):
    with tenant_context(tree_a["tenant"]):
        refused(lambda: ProgramFactory(region=tree_a["street"], budget_pool=Decimal("0")))
        refused(lambda: ProgramFactory(region=tree_a["street"], budget_pool=Decimal("1000"),
                                       cap_per_application=Decimal("2000")))
        program = project["program"]
        refused(lambda: ProgramFactory(region=tree_a["street"], application_opens=program.application_closes,
                                       application_closes=program.application_opens))
        assert FundingProgram.objects.count() == 1


def test_criterion_weight_and_range(tree_a):
    with tenant_context(tree_a["tenant"]):
        template = ReviewTemplateFactory()
        refused(lambda: CriterionFactory(template=template, weight=Decimal("0")))
        refused(lambda: CriterionFactory(template=template, weight=Decimal("100.5")))
        refused(lambda: CriterionFactory(template=template, min_score=Decimal("5"), max_score=Decimal("5")))
        assert CriterionFactory(template=template, weight=Decimal("100")).pk


def test_budget_line_and_bid_amounts_positive(tree_a, project):
    with tenant_context(tree_a["tenant"]):
        refused(lambda: BudgetLineFactory(application=project["application"], amount=Decimal("0")))
        refused(lambda: BidFactory(tender=project["tender"], organization=project["org"], price=Decimal("-1")))
        refused(lambda: BidFactory(tender=project["tender"], organization=project["org"], team_size=1,
                                   team_social_workers=2))


def test_one_live_bid_per_organization(tree_a, project):
    with tenant_context(tree_a["tenant"]):
        first = BidFactory(tender=project["tender"], organization=project["org"])
        refused(lambda: BidFactory(tender=project["tender"], organization=project["org"]))
        first.status = BidStatus.WITHDRAWN
        first.save(update_fields=["status"])
        assert BidFactory(tender=project["tender"], organization=project["org"]).pk


def test_one_award_per_tender_unless_cancelled(tree_a, project):
    with tenant_context(tree_a["tenant"]):
        bid = BidFactory(tender=project["tender"], organization=project["org"])
        other = BidFactory(tender=project["tender"], organization=OrganizationFactory(region=tree_a["street"]))
        award = AwardFactory(bid=bid)
        refused(lambda: AwardFactory(bid=other))
        award.status = AwardStatus.CANCELLED
        award.save(update_fields=["status"])
        assert AwardFactory(bid=other).pk


def test_contract_term_signing_and_tranches(tree_a, project):
    with tenant_context(tree_a["tenant"]):
        app, org = project["application"], project["org"]
        refused(lambda: ContractFactory(application=app, organization=org, amount=Decimal("0")))
        refused(lambda: ContractFactory(application=app, organization=org, end_date=ContractFactory.start_date))
        refused(lambda: ContractFactory(application=app, organization=org, status="active", signed_on=None))
        contract = ContractFactory(application=app, organization=org)
        refused(lambda: TrancheFactory(contract=contract, percentage=Decimal("0")))
        refused(lambda: TrancheFactory(contract=contract, percentage=Decimal("101")))
        refused(lambda: TrancheFactory(contract=contract, trigger="", due_date=None))
        TrancheFactory(contract=contract, sequence=1)
        refused(lambda: TrancheFactory(contract=contract, sequence=1))
        refused(lambda: TrancheFactory(contract=contract, status="met", paid_on=None))


def test_approved_application_needs_an_amount(tree_a, project):
    with tenant_context(tree_a["tenant"]):
        app = project["application"]
        app.status = "approved"
        refused(lambda: app.save(update_fields=["status"]))


def test_queries_fail_closed_and_stay_in_tenant(tree_a, tree_b, project):
    with no_tenant(), pytest.raises(TenantNotSetError):
        list(Application.objects.all())
    with tenant_context(tree_b["tenant"]):
        assert not Application.objects.exists()
        assert not FundingProgram.objects.exists()


@pytest.mark.postgres
def test_raw_sql_of_other_tenant_sees_no_project_rows(tree_a, tree_b, project):
    tables = ["projects_fundingprogram", "projects_application", "projects_tender"]
    with tenant_context(tree_b["tenant"]), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed table names)
            assert cursor.fetchone()[0] == 0, table
    with tenant_context(tree_a["tenant"]), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            assert cursor.fetchone()[0] == 1, table
