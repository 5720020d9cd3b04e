"""Rules of tenders, bids, awards and contracts: each refusal has a clear Chinese message and saves nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from governance.exceptions import ApplicationError
from governance.models import AuditEvent, Notification
from orgs.tests.factories import CreditRecordFactory
from projects.models import (
    Award,
    AwardStatus,
    Bid,
    BidStatus,
    Contract,
    ContractIndicator,
    ContractStatus,
    PaymentTranche,
    Tender,
    TenderStatus,
    TrancheStatus,
)
from projects.services import contracts as contract_services
from projects.services import tenders as services
from projects.tests.tenders.conftest import TRANCHES, bid_fields

pytestmark = pytest.mark.django_db


def _refused(excinfo) -> str:
    return str(excinfo.value.message if hasattr(excinfo.value, "message") else excinfo.value)


def test_tender_opens_for_an_approved_project_only(world, in_tenant):
    tender = world.open()
    assert tender.status == TenderStatus.ACTIVE and tender.budget_amount == Decimal("80000")
    assert tender.ocid == f"ocds-hengyang-{world.application.number}"
    with in_tenant(world.tenant), pytest.raises(ApplicationError) as excinfo:
        world.open()
    assert "已有招标" in _refused(excinfo)
    assert Tender.objects.count() == 1


def test_tender_budget_and_weights(world, in_tenant):
    with pytest.raises(ApplicationError) as excinfo:
        world.open(budget_amount=Decimal("90000"))
    assert "超过批准金额" in _refused(excinfo)
    with pytest.raises(ApplicationError) as excinfo:
        world.open(price_weight=Decimal("40"), quality_weight=Decimal("50"))
    assert "之和必须为 100" in _refused(excinfo)
    assert not Tender.objects.exists()


def test_bid_over_budget_refused_nothing_saved(world):
    tender = world.open()
    with pytest.raises(ApplicationError) as excinfo:
        world.bid(tender, price="80000.01")
    assert "超过招标预算" in _refused(excinfo)
    assert not Bid.objects.exists()


def test_bid_breakdown_must_equal_price(world, in_tenant):
    tender = world.open()
    fields = bid_fields("70000")
    fields["budget_breakdown"][0]["amount"] = "1000"
    with in_tenant(world.tenant), pytest.raises(ApplicationError) as excinfo:
        services.bid_submit(actor=world.bidder, tender=tender, organization=world.orgs[0], **fields)
    assert "预算明细合计" in _refused(excinfo)
    with pytest.raises(ApplicationError) as excinfo:
        world.bid(tender, team_social_workers=0)
    assert "持证社会工作者" in _refused(excinfo)
    assert not Bid.objects.exists()


def test_credit_listed_bidder_refused(world, in_tenant):
    tender = world.open()
    with in_tenant(world.tenant):
        CreditRecordFactory(organization=world.orgs[0])
    with pytest.raises(ApplicationError) as excinfo:
        world.bid(tender)
    message = _refused(excinfo)
    assert "不符合投标资格" in message and "活动异常名录" in message
    assert not Bid.objects.exists()


def test_ineligible_grade_and_years_refused(world, in_tenant):
    tender = world.open()
    with in_tenant(world.tenant):
        org = world.orgs[1]
        org.registered_date = timezone.localdate() - datetime.timedelta(days=200)
        org.save(update_fields=["registered_date"])
        org.grades.all().delete()
    with pytest.raises(ApplicationError) as excinfo:
        world.bid(tender, org=world.orgs[1])
    assert "不符合投标资格" in _refused(excinfo)
    assert {f["rule"] for f in excinfo.value.extra["failures"]} == {"min_grade", "years_registered"}
    assert not Bid.objects.exists()


def test_only_members_bid_for_their_organization(world):
    tender = world.open()
    with pytest.raises(ApplicationError):
        world.bid(tender, org=world.other_org)  # org_a is not a member of it
    with pytest.raises(ApplicationError):
        world.bid(tender, actor=world.street)
    assert not Bid.objects.exists()


def test_second_live_bid_refused_withdraw_then_bid_again(world, in_tenant):
    tender = world.open()
    bid = world.bid(tender)
    with pytest.raises(ApplicationError) as excinfo:
        world.bid(tender, price="60000")
    assert "已有投标" in _refused(excinfo)
    with in_tenant(world.tenant):
        services.bid_withdraw(actor=world.bidder, bid=bid)
    assert Bid.objects.get(pk=bid.pk).status == BidStatus.WITHDRAWN
    again = world.bid(tender, price="60000")
    assert again.status == BidStatus.PENDING


def test_bid_window_is_enforced(world):
    tender = world.open()
    world.close_window(tender)
    with pytest.raises(ApplicationError) as excinfo:
        world.bid(tender)
    assert "投标已于" in _refused(excinfo)


def test_bid_update_revalidates(world, in_tenant):
    tender = world.open()
    bid = world.bid(tender)
    with in_tenant(world.tenant), pytest.raises(ApplicationError):
        services.bid_update(actor=world.bidder, bid=bid, price=Decimal("99000"),
                            budget_breakdown=bid_fields("99000")["budget_breakdown"])
    assert Bid.objects.get(pk=bid.pk).price == Decimal("70000")
    with in_tenant(world.tenant):
        services.bid_update(actor=world.bidder, bid=bid, price=Decimal("65000"),
                            budget_breakdown=bid_fields("65000")["budget_breakdown"])
    assert Bid.objects.get(pk=bid.pk).price == Decimal("65000")
    assert AuditEvent.objects.filter(action="bid.update").count() == 1


def test_evaluation_price_score_by_lowest_price(world, in_tenant):
    tender = world.open()
    low, high = world.bid(tender, price="60000"), world.bid(tender, org=world.orgs[1], price="75000")
    world.close_window(tender)
    with in_tenant(world.tenant):
        for bid in (low, high):
            services.bid_qualify(actor=world.street, bid=bid, valid=True)
        ev_low = services.bid_evaluate(actor=world.street, bid=low, quality_score=Decimal("70"))
        ev_high = services.bid_evaluate(actor=world.street, bid=high, quality_score=Decimal("90"))
    assert ev_low.price_score == Decimal("100") and ev_low.total_score == Decimal("79.00")  # 70×0.7 + 100×0.3
    assert ev_high.price_score == Decimal("80.00") and ev_high.total_score == Decimal("87.00")  # 90×0.7 + 80×0.3


def test_award_notifies_winner_and_losers(world, in_tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tender, bids, award = world.awarded(prices=("70000", "75000", "76000"))
    assert award.status == AwardStatus.PENDING
    assert award.standstill_ends == timezone.localdate() + datetime.timedelta(days=tender.standstill_days)
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.COMPLETE
    won = Notification.objects.filter(kind="projects.award_won")
    lost = Notification.objects.filter(kind="projects.award_lost")
    assert won.count() == 1 and lost.count() == 2
    assert set(lost.values_list("recipient__username", flat=True)) == {"org_a"}
    assert "未中标" in lost.first().title


def test_second_award_refused(world, in_tenant):
    tender, bids, award = world.awarded()
    with in_tenant(world.tenant), pytest.raises(ApplicationError) as excinfo:
        services.tender_award(actor=world.street, tender=Tender.objects.get(pk=tender.pk), bid=bids[1], reason="再次")
    assert "已经授标" in _refused(excinfo)
    assert Award.objects.count() == 1


def test_one_award_per_tender_in_the_database(world, in_tenant):
    from django.db import IntegrityError, transaction

    tender, bids, award = world.awarded()
    with in_tenant(world.tenant), pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(tenant=world.tenant, tender=tender, bid=bids[1], organization=bids[1].organization,
                             amount=bids[1].price, reason="x", standstill_ends=timezone.localdate())


def test_award_rechecks_eligibility(world, in_tenant):
    tender = world.open()
    bid = world.bid(tender)
    world.close_window(tender)
    with in_tenant(world.tenant):
        services.bid_qualify(actor=world.street, bid=bid, valid=True)
        services.bid_evaluate(actor=world.street, bid=bid, quality_score=Decimal("80"))
        CreditRecordFactory(organization=world.orgs[0])
        with pytest.raises(ApplicationError) as excinfo:
            services.tender_award(actor=world.street, tender=tender, bid=bid, reason="唯一有效投标")
    assert "不符合授标资格" in _refused(excinfo)
    assert not Award.objects.exists()
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.ACTIVE


def test_award_needs_a_reason_and_a_valid_evaluated_bid(world, in_tenant):
    tender = world.open()
    bid = world.bid(tender)
    world.close_window(tender)
    with in_tenant(world.tenant):
        with pytest.raises(ApplicationError):
            services.tender_award(actor=world.street, tender=tender, bid=bid, reason="  ")
        with pytest.raises(ApplicationError):
            services.tender_award(actor=world.street, tender=tender, bid=bid, reason="x")  # pending
        services.bid_qualify(actor=world.street, bid=bid, valid=True)
        with pytest.raises(ApplicationError) as excinfo:
            services.tender_award(actor=world.street, tender=tender, bid=bid, reason="x")
    assert "先评审" in _refused(excinfo)
    assert not Award.objects.exists()


def test_disqualify_needs_a_reason(world, in_tenant):
    tender = world.open()
    bid = world.bid(tender)
    world.close_window(tender)
    with in_tenant(world.tenant):
        with pytest.raises(ApplicationError):
            services.bid_qualify(actor=world.street, bid=bid, valid=False, note="")
        services.bid_qualify(actor=world.street, bid=bid, valid=False, note="报价文件未盖章")
    bid.refresh_from_db()
    assert bid.status == BidStatus.DISQUALIFIED and bid.status_reason == "报价文件未盖章"


# --- contracts ---------------------------------------------------------------------------------


def test_contract_waits_for_the_standstill_period(world, in_tenant):
    tender, bids, award = world.awarded()
    with pytest.raises(ApplicationError) as excinfo:
        world.contract(award)
    assert "公示期" in _refused(excinfo)
    assert not Contract.objects.exists()


def test_contract_copies_indicators_and_tranches(world, in_tenant, django_capture_on_commit_callbacks):
    tender, bids, award = world.awarded()
    world.past_standstill(award)
    contract = world.contract(award)
    assert contract.amount == award.amount and contract.organization_id == award.organization_id
    assert contract.status == ContractStatus.PENDING
    targets = sorted(ContractIndicator.objects.filter(contract=contract).values_list("target", "source_id"))
    assert targets == sorted(world.application.indicators.values_list("target", "pk"))
    tranches = list(PaymentTranche.objects.filter(contract=contract).order_by("sequence"))
    assert [t.percentage for t in tranches] == [30, 40, 30]
    assert tranches[1].depends_on_id == tranches[0].pk and tranches[2].depends_on_id == tranches[1].pk
    assert Award.objects.get(pk=award.pk).status == AwardStatus.ACTIVE
    with in_tenant(world.tenant):
        contract_services.contract_sign(actor=world.street, contract=contract)
        with pytest.raises(ApplicationError) as excinfo:
            contract_services.tranche_pay(actor=world.street, tranche=tranches[1])
        assert "之后支付" in _refused(excinfo)
        contract_services.tranche_pay(actor=world.street, tranche=tranches[0])
    assert PaymentTranche.objects.get(pk=tranches[0].pk).status == TrancheStatus.MET


def test_tranches_not_summing_to_100_refused(world, in_tenant):
    tender, bids, award = world.awarded()
    world.past_standstill(award)
    bad = [{"percentage": Decimal("30"), "trigger": "signing"}, {"percentage": Decimal("60"), "trigger": "final_acceptance"}]
    with pytest.raises(ApplicationError) as excinfo:
        world.contract(award, tranches=bad)
    assert "分期付款比例之和必须为 100" in _refused(excinfo)
    assert not Contract.objects.exists() and not PaymentTranche.objects.exists()
    assert Award.objects.get(pk=award.pk).status == AwardStatus.PENDING


def test_term_limits_of_order_102(world, in_tenant):
    tender, bids, award = world.awarded()
    world.past_standstill(award)
    start = timezone.localdate()
    with pytest.raises(ApplicationError) as excinfo:
        world.contract(award, end=start + datetime.timedelta(days=400))
    assert "最长一年" in _refused(excinfo)
    with pytest.raises(ApplicationError) as excinfo:  # 4 years: refused even for a continuous service
        world.contract(award, end=start.replace(year=start.year + 4), continuous_service=True)
    assert "最长三年" in _refused(excinfo)
    assert not Contract.objects.exists()
    contract = world.contract(award, end=start.replace(year=start.year + 3) - datetime.timedelta(days=1),
                              continuous_service=True)
    assert contract.continuous_service


def test_tranche_needs_due_date_or_trigger(world):
    from django.core.exceptions import ValidationError

    tender, bids, award = world.awarded()
    world.past_standstill(award)
    with pytest.raises(ValidationError):
        world.contract(award, tranches=[{"percentage": Decimal("100")}])
    assert not Contract.objects.exists()


def test_renewal_links_the_prior_contract(world, in_tenant):
    tender, bids, award = world.awarded()
    world.past_standstill(award)
    prior = world.contract(award)
    with in_tenant(world.tenant):
        contract_services.contract_sign(actor=world.street, contract=prior)
        # the next year's project, won by the same organization
        from projects.models import ApplicationStatus
        from projects.tests.factories import ApplicationFactory

        nxt = ApplicationFactory(program=world.program, region=world.tree["community"],
                                 status=ApplicationStatus.APPROVED, approved_amount=Decimal("80000"))
    world.application = nxt
    _tender2, _bids2, award2 = world.awarded()
    world.past_standstill(award2)
    renewal = world.contract(award2, prior_contract=prior, continuous_service=True)
    assert renewal.prior_contract_id == prior.pk
    assert list(prior.renewals.all()) == [renewal]


def test_tranches_change_only_before_signing(world, in_tenant):
    tender, bids, award = world.awarded()
    world.past_standstill(award)
    contract = world.contract(award)
    with in_tenant(world.tenant):
        contract_services.contract_set_tranches(actor=world.street, contract=contract, tranches=[
            {"percentage": Decimal("50"), "trigger": "signing"},
            {"percentage": Decimal("50"), "due_date": timezone.localdate() + datetime.timedelta(days=200)}])
        assert contract.tranches.count() == 2
        with pytest.raises(ApplicationError):
            contract_services.contract_set_tranches(actor=world.street, contract=contract, tranches=[
                {"percentage": Decimal("50"), "trigger": "signing"}])
        assert contract.tranches.count() == 2
        contract_services.contract_sign(actor=world.street, contract=contract)
        with pytest.raises(ApplicationError):
            contract_services.contract_set_tranches(actor=world.street, contract=contract, tranches=TRANCHES)


def test_every_step_is_audited(world, in_tenant):
    tender, bids, award = world.awarded()
    world.past_standstill(award)
    contract = world.contract(award)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"tender.open", "tender.active", "bid.pending", "bid.valid", "bid.evaluate", "award.pending",
            "tender.complete", "contract.create", "contract.pending", "award.active"} <= actions
    assert contract.pk
    assert mail.outbox is not None


def test_renewal_chain_may_not_exceed_three_years(world):
    """MoF Order 102: the chain of renewals counts from the first contract's start, not per contract."""
    from projects.tests.factories import ContractFactory

    today = timezone.localdate()
    first_start = today.replace(year=today.year - 2)
    first = ContractFactory(application=world.application, organization=world.orgs[0], start_date=first_start,
                            end_date=first_start.replace(year=first_start.year + 1) - datetime.timedelta(days=1),
                            status=ContractStatus.TERMINATED, signed_on=first_start)
    second = ContractFactory(application=world.application, organization=world.orgs[0], prior_contract=first,
                             start_date=first.end_date + datetime.timedelta(days=1),
                             end_date=today - datetime.timedelta(days=1), status=ContractStatus.ACTIVE,
                             signed_on=first.end_date)
    tender, bids, award = world.awarded()
    world.past_standstill(award)
    events = AuditEvent.objects.count()
    latest = first_start.replace(year=first_start.year + 3) - datetime.timedelta(days=1)
    # each contract alone is within its own cap (one year, continuous), but the chain would pass three years
    with pytest.raises(ApplicationError) as excinfo:
        world.contract(award, start=today, end=latest + datetime.timedelta(days=1), prior_contract=second,
                       continuous_service=True)
    message = _refused(excinfo)
    assert "连续服务" in message and "三年" in message and first.number in message and latest.isoformat() in message
    assert excinfo.value.extra["latest_end"] == latest.isoformat()
    assert excinfo.value.extra["chain"] == [second.pk, first.pk]
    assert Contract.objects.count() == 2 and AuditEvent.objects.count() == events
    award.refresh_from_db()
    assert award.status == AwardStatus.PENDING
    renewal = world.contract(award, start=today, end=latest, prior_contract=second, continuous_service=True)
    assert renewal.end_date == latest


def test_check_term_cap_counts_gaps_and_stops_on_a_cycle(world):
    from projects.tests.factories import ContractFactory

    first = ContractFactory(application=world.application, organization=world.orgs[0],
                            start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2020, 12, 31))
    # a year's gap does not restart the clock: 2020-01-01 + 3 years is the limit
    contract_services.check_term_cap(prior_contract=first, start_date=datetime.date(2022, 1, 1),
                                     end_date=datetime.date(2022, 12, 31))
    with pytest.raises(ApplicationError):
        contract_services.check_term_cap(prior_contract=first, start_date=datetime.date(2022, 1, 1),
                                         end_date=datetime.date(2023, 1, 1))
    second = ContractFactory(application=world.application, organization=world.orgs[0], prior_contract=first,
                             start_date=datetime.date(2021, 1, 1), end_date=datetime.date(2021, 12, 31))
    Contract.objects.filter(pk=first.pk).update(prior_contract=second)  # a cycle only the admin could make
    assert [c.pk for c in contract_services.renewal_chain(second)] == [second.pk, first.pk]
    contract_services.check_term_cap(prior_contract=None, start_date=datetime.date(2022, 1, 1),
                                     end_date=datetime.date(2030, 1, 1))
