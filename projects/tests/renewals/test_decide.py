"""Staff decisions on renewal reviews: renew (the next contract with indicators and tranches copied, the term
shifted), renew with conditions, re-tender (the next round of bidding on the same task book), not continued;
refusals with nothing saved, double submissions, permissions, audit and notifications."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from governance.exceptions import ApplicationError, ConflictError
from governance.models import AuditEvent, Notification, StatusChange
from projects.models import Contract, ContractStatus, RenewalReview, Tender, TenderStatus
from projects.services import renewals as services

from .conftest import TODAY, contract, final

pytestmark = pytest.mark.django_db


def _review(world, c, band="good", score="86.00"):
    final(c, band=band, score=score)
    services.renewals_scan(tenant=world.tenant, today=TODAY)
    return RenewalReview.objects.select_related("contract").get(contract=c)


def _window():
    opens = timezone.now() - datetime.timedelta(hours=1)
    return {"bid_opens": opens, "bid_closes": opens + datetime.timedelta(days=10)}


def test_renew_draws_up_the_next_contract(world, signed):
    review = _review(world, signed)
    services.renewal_decide(actor=world.street, review=review, decision="renewed", note="评估良好")
    review.refresh_from_db()
    renewal = review.next_contract
    assert (review.status, review.decided_by, review.decision_note) == ("renewed", world.street, "评估良好")
    assert (renewal.prior_contract_id, renewal.application_id, renewal.organization_id, renewal.award_id) == (
        signed.pk, signed.application_id, signed.organization_id, None)
    assert (renewal.start_date, renewal.end_date, renewal.amount, renewal.status) == (
        datetime.date(2027, 1, 1), datetime.date(2027, 12, 31), Decimal("70000.00"), ContractStatus.PENDING)
    assert renewal.number == f"{signed.number}-R1"
    old = list(signed.indicators.order_by("position", "id").values("name", "target", "weight", "unit", "source"))
    assert list(renewal.indicators.order_by("position", "id").values("name", "target", "weight", "unit",
                                                                      "source")) == old
    assert [(t.sequence, t.percentage, t.trigger, t.depends_on.sequence if t.depends_on_id else None, t.status)
            for t in renewal.tranches.select_related("depends_on").order_by("sequence")] == [
        (1, Decimal("30.00"), "signing", None, "scheduled"), (2, Decimal("40.00"), "midterm_acceptance", 1, "scheduled"),
        (3, Decimal("30.00"), "final_acceptance", 2, "scheduled")]
    assert AuditEvent.objects.filter(action="renewal.renewed", object_id=str(review.pk)).count() == 1
    assert AuditEvent.objects.filter(action="contract.renew", object_id=str(renewal.pk)).count() == 1
    assert StatusChange.objects.filter(workflow="renewal", object_id=str(review.pk), to_status="renewed").exists()
    assert Notification.objects.filter(recipient=world.bidder, kind="projects.renewal_decided").count() == 1
    # Renewing again — a double submission — finds the review decided; nothing more is drawn up.
    with pytest.raises(ConflictError):
        services.renewal_decide(actor=world.street, review=RenewalReview.objects.get(pk=review.pk),
                                decision="renewed")
    assert Contract.objects.filter(prior_contract=signed).count() == 1


def test_tranche_due_dates_shift_with_the_term(world):
    from projects.tests.factories import TrancheFactory

    c = contract(world, start=datetime.date(2026, 3, 1), end=datetime.date(2027, 2, 28))
    TrancheFactory(contract=c, sequence=1, percentage=Decimal("50"), trigger="", due_date=datetime.date(2026, 9, 1))
    TrancheFactory(contract=c, sequence=2, percentage=Decimal("50"), trigger="final_acceptance")
    final(c, band="excellent", score="91.00")
    services.renewals_scan(tenant=world.tenant, today=datetime.date(2027, 1, 15))
    review = RenewalReview.objects.get(contract=c)
    services.renewal_decide(actor=world.street, review=review, decision="renewed")
    renewal = RenewalReview.objects.get(pk=review.pk).next_contract
    assert (renewal.start_date, renewal.end_date) == (datetime.date(2027, 3, 1), datetime.date(2028, 2, 29))
    assert list(renewal.tranches.order_by("sequence").values_list("due_date", flat=True)) == [
        datetime.date(2027, 9, 1), None]


def test_renew_with_conditions_requires_them_and_writes_them_into_the_contract(world, signed):
    review = _review(world, signed, band="pass", score="68.00")
    assert review.recommendation == "renew_conditions"
    with pytest.raises(ValidationError) as excinfo:
        services.renewal_decide(actor=world.street, review=review, decision="renewed_conditions", conditions="  ")
    assert "conditions" in excinfo.value.message_dict
    assert RenewalReview.objects.get(pk=review.pk).status == "pending" and not signed.renewals.exists()
    services.renewal_decide(actor=world.street, review=review, decision="renewed_conditions",
                            conditions="满意度须达到90%，每月提交服务记录")
    review.refresh_from_db()
    assert review.status == "renewed_conditions" and review.next_contract.note == "满意度须达到90%，每月提交服务记录"


def test_renewal_past_the_three_year_cap_is_refused_in_chinese(world):
    first = contract(world, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31),
                     status=ContractStatus.TERMINATED)
    second = contract(world, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31), prior=first,
                      status=ContractStatus.TERMINATED)
    third = contract(world, prior=second)
    review = _review(world, third, band="excellent", score="95.00")
    assert review.recommendation == "retender"
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as excinfo:
        services.renewal_decide(actor=world.street, review=review, decision="renewed")
    assert "三年" in str(excinfo.value.message) and "2026-12-31" in str(excinfo.value.message)
    assert not third.renewals.exists()
    assert RenewalReview.objects.get(pk=review.pk).status == "pending"
    assert not AuditEvent.objects.filter(action="renewal.renewed").exists()


def test_retender_reopens_bidding_on_the_same_task_book(world, signed):
    review = _review(world, signed, band="fail", score="55.00")
    with pytest.raises(ValidationError):  # the bid window is required
        services.renewal_decide(actor=world.street, review=review, decision="retendered")
    services.renewal_decide(actor=world.street, review=review, decision="retendered", note="评估不合格",
                            **_window())
    review.refresh_from_db()
    tenders = list(Tender.objects.filter(application=signed.application).order_by("round"))
    assert [(t.round, t.status) for t in tenders] == [(1, TenderStatus.COMPLETE), (2, TenderStatus.ACTIVE)]
    assert review.new_tender == tenders[1] and tenders[1].ocid == f"{tenders[0].ocid}-2"
    assert tenders[1].budget_amount == signed.application.approved_amount
    assert AuditEvent.objects.filter(action="tender.open", object_id=str(tenders[1].pk)).count() == 1
    # The organization that held the contract may bid again in the new round.
    bid = world.bid(tenders[1], org=world.orgs[0])
    assert bid.tender_id == tenders[1].pk


def test_not_continued_needs_a_reason(world):
    c = contract(world)
    review = _review(world, c)
    with pytest.raises(ValidationError):
        services.renewal_decide(actor=world.street, review=review, decision="not_continued")
    services.renewal_decide(actor=world.street, review=review, decision="not_continued", note="需求已满足")
    assert RenewalReview.objects.get(pk=review.pk).status == "not_continued"
    assert not Contract.objects.filter(prior_contract=c).exists()


@pytest.mark.parametrize("who", ["community_a", "street2_a", "auditor_a", "org_a"])
def test_only_the_buyers_staff_decide(world, users, who):
    review = _review(world, contract(world))
    with pytest.raises(ApplicationError):
        services.renewal_decide(actor=users[who], review=review, decision="renewed")
    assert RenewalReview.objects.get(pk=review.pk).status == "pending"


def test_unknown_decision_is_refused(world):
    review = _review(world, contract(world))
    with pytest.raises(ValidationError):
        services.renewal_decide(actor=world.street, review=review, decision="pending")
