"""The renewal scan: recommendations computed by hand, the window, the term cap over the renewal chain, credit
and status of the organization, orgs' signals, idempotent reruns and set-based queries."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.models import AuditEvent
from orgs.models import CreditList, CreditReason, OrgStatus
from orgs.services import credit_add, organization_set_status
from projects.models import ContractStatus, RenewalReview, RenewalSettings
from projects.services import renewals as services
from projects.tasks_renewals import renewals_scan as scan_task

from .conftest import TODAY, contract, final

pytestmark = pytest.mark.django_db


def _review(c) -> RenewalReview:
    return RenewalReview.objects.get(contract=c)


def _codes(review) -> dict:
    return {r["code"]: r["ok"] for r in review.reasons}


@pytest.mark.parametrize("band,score,expected", [
    ("excellent", "93.50", "renew"), ("good", "82.34", "renew"), ("pass", "65.00", "renew_conditions"),
    ("fail", "51.20", "retender")])
def test_recommendation_follows_the_final_band(world, band, score, expected):
    c = contract(world)
    evaluation = final(c, band=band, score=score)
    assert services.renewals_scan(tenant=world.tenant, today=TODAY) == {"created": 1, "updated": 0, "unchanged": 0}
    review = _review(c)
    assert (review.recommendation, review.evaluation_id, review.status) == (expected, evaluation.pk, "pending")
    band_reason = review.reasons[0]
    assert (band_reason["code"], band_reason["score"], band_reason["published"]) == ("band", score, True)
    # The renewal would run 1 January–31 December 2027; the service began 1 January 2026: within three years.
    term = next(r for r in review.reasons if r["code"] == "term_cap")
    assert (term["ok"], term["renewal_start"], term["renewal_end"], term["latest_end"]) == (
        True, "2027-01-01", "2027-12-31", "2028-12-31")
    assert _codes(review) == {"band": expected != "retender", "term_cap": True, "credit": True,
                              "organization_status": True}
    (event,) = AuditEvent.objects.filter(action="renewal.create", object_id=str(review.pk))
    assert event.object_repr == str(review)  # the scan builds it without a translated lookup per row


def test_no_final_evaluation_means_retender_and_the_published_one_wins(world):
    c = contract(world)
    services.renewals_scan(tenant=world.tenant, today=TODAY)
    review = _review(c)
    assert review.recommendation == "retender" and review.reasons[0] == {"code": "no_final_evaluation", "ok": False}
    # A computed (unpublished) evaluation counts until one is published, which then wins over a later computed one.
    final(c, band="pass", score="70.00", published=False, period=datetime.date(2026, 12, 30))
    assert services.renewals_scan(tenant=world.tenant, today=TODAY)["updated"] == 1
    assert _review(c).recommendation == "renew_conditions" and _review(c).reasons[0]["published"] is False
    published = final(c, band="good", score="85.00")
    services.renewals_scan(tenant=world.tenant, today=TODAY)
    review = _review(c)
    assert (review.recommendation, review.evaluation_id) == ("renew", published.pk)
    assert AuditEvent.objects.filter(action="renewal.recompute", object_id=str(review.pk)).count() == 2


def test_window_is_configurable_and_only_signed_contracts_count(world):
    in_window = contract(world, end=TODAY + datetime.timedelta(days=60))
    outside = contract(world, end=TODAY + datetime.timedelta(days=61))
    ended = contract(world, end=TODAY - datetime.timedelta(days=1))
    pending = contract(world, status=ContractStatus.PENDING)
    completed = contract(world, status=ContractStatus.TERMINATED)
    services.renewals_scan(tenant=world.tenant, today=TODAY)
    assert set(RenewalReview.objects.values_list("contract_id", flat=True)) == {in_window.pk, completed.pk}
    RenewalSettings.objects.create(tenant=world.tenant, window_days=90)
    services.renewals_scan(tenant=world.tenant, today=TODAY)
    assert set(RenewalReview.objects.values_list("contract_id", flat=True)) == {in_window.pk, completed.pk,
                                                                                outside.pk}
    assert not RenewalReview.objects.filter(contract__in=[ended, pending]).exists()


def test_term_cap_over_the_renewal_chain_forces_retender(world):
    first = contract(world, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31),
                     status=ContractStatus.TERMINATED)
    second = contract(world, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31), prior=first,
                      status=ContractStatus.TERMINATED)
    third = contract(world, prior=second)  # 2026: renewing it would run to 31 December 2027
    final(third, band="excellent", score="95.00")
    services.renewals_scan(tenant=world.tenant, today=TODAY)
    review = _review(third)
    term = next(r for r in review.reasons if r["code"] == "term_cap")
    # Begun 1 January 2024 with the first contract: three years end on 31 December 2026.
    assert (term["ok"], term["chain_start"], term["first"], term["latest_end"], term["renewal_end"]) == (
        False, "2024-01-01", first.number, "2026-12-31", "2027-12-31")
    assert review.recommendation == "retender"
    # Contracts already renewed (first, second) get no review.
    assert RenewalReview.objects.count() == 1


def test_credit_listed_or_deregistered_organization_forces_retender(world):
    listed, gone = contract(world, org=world.orgs[0]), contract(world, org=world.orgs[1])
    for c in (listed, gone):
        final(c, band="excellent", score="96.00")
    world.orgs[0].__class__.objects.filter(pk=world.orgs[0].pk).update(on_serious_list=True)
    world.orgs[1].__class__.objects.filter(pk=world.orgs[1].pk).update(status=OrgStatus.DEREGISTERED)
    services.renewals_scan(tenant=world.tenant, today=TODAY)
    assert _review(listed).recommendation == _review(gone).recommendation == "retender"
    assert next(r for r in _review(listed).reasons if r["code"] == "credit") == {
        "code": "credit", "ok": False, "lists": ["serious"]}
    assert next(r for r in _review(gone).reasons if r["code"] == "organization_status") == {
        "code": "organization_status", "ok": False, "status": "deregistered"}
    texts = [t["text"] for t in services.reason_texts(_review(listed).reasons)]
    assert any("serious dishonesty" in t or "严重违法失信" in t for t in texts)


def test_orgs_signals_recompute_pending_reviews(world, users, django_capture_on_commit_callbacks):
    listed, suspended, other = (contract(world, org=world.orgs[i]) for i in range(3))
    for c in (listed, suspended, other):
        final(c, band="good", score="88.00")
    services.renewals_scan(tenant=world.tenant, today=TODAY)
    assert set(RenewalReview.objects.values_list("recommendation", flat=True)) == {"renew"}
    with django_capture_on_commit_callbacks(execute=True):
        credit_add(actor=users["street_a"], organization=world.orgs[0], list_type=CreditList.ABNORMAL,
                   reason=CreditReason.UNREACHABLE, listed_on=datetime.date(2026, 11, 1))
    assert _review(listed).recommendation == "retender"
    assert _review(suspended).recommendation == "renew"
    with django_capture_on_commit_callbacks(execute=True):
        organization_set_status(actor=users["admin_a"], organization=world.orgs[1], status=OrgStatus.SUSPENDED,
                                note="停止活动")
    assert _review(suspended).recommendation == "retender"
    assert _review(other).recommendation == "renew"
    assert AuditEvent.objects.filter(action="renewal.recompute").count() == 2


def test_rerun_is_idempotent_and_the_database_refuses_a_second_review(world):
    contracts = [contract(world) for _ in range(3)]
    final(contracts[0], band="good", score="81.00")
    first = services.renewals_scan(tenant=world.tenant, today=TODAY)
    rows = list(RenewalReview.objects.order_by("id").values())
    again = services.renewals_scan(tenant=world.tenant, today=TODAY + datetime.timedelta(days=1))
    assert (first["created"], again) == (3, {"created": 0, "updated": 0, "unchanged": 3})
    assert list(RenewalReview.objects.order_by("id").values()) == rows
    with pytest.raises(IntegrityError), transaction.atomic():
        RenewalReview.objects.create(tenant=world.tenant, contract=contracts[0], recommendation="renew",
                                     computed_at=timezone.now())
    # The Celery task (fanned out per tenant by beat) runs the same service.
    assert scan_task.delay(tenant_id=world.tenant.pk, today=TODAY.isoformat()).get() == {
        "created": 0, "updated": 0, "unchanged": 3}


def test_decided_reviews_are_not_recomputed(world):
    c = contract(world)
    final(c, band="good", score="85.00")
    services.renewals_scan(tenant=world.tenant, today=TODAY)
    RenewalReview.objects.filter(contract=c).update(status="not_continued", decided_at=timezone.now())
    world.orgs[0].__class__.objects.filter(pk=world.orgs[0].pk).update(on_abnormal_list=True)
    assert services.renewals_scan(tenant=world.tenant, today=TODAY) == {"created": 0, "updated": 0, "unchanged": 0}
    assert _review(c).recommendation == "renew"


def test_scan_queries_do_not_grow_with_contracts(world):
    def run(n):
        RenewalReview.objects.all().delete()
        for _ in range(n - len(made)):
            c = contract(world)
            final(c, band="pass", score="66.00")
            made.append(c)
        with CaptureQueriesContext(connection) as ctx:
            assert services.renewals_scan(tenant=world.tenant, today=TODAY)["created"] == n
        return len(ctx.captured_queries)

    made: list = []
    assert run(2) == run(12)


def test_scan_with_a_test_clock_follows_the_days(world):
    c = contract(world, end=datetime.date(2027, 3, 31), start=datetime.date(2026, 4, 1))
    with time_machine.travel(datetime.datetime(2027, 1, 15, 3, tzinfo=datetime.UTC), tick=False):
        assert services.renewals_scan(tenant=world.tenant)["created"] == 0  # 75 days before the end
    with time_machine.travel(datetime.datetime(2027, 2, 1, 3, tzinfo=datetime.UTC), tick=False):
        assert services.renewals_scan(tenant=world.tenant)["created"] == 1  # 58 days before the end
    assert _review(c).recommendation == "retender"

