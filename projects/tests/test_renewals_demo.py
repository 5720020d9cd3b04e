"""The demo renewal reviews: the latest finished term's contracts get their final evaluations published and a
review each from the scan, one is renewed (the next contract drawn up, linked to its prior), one is not
continued with its reason, the rest wait (the street's 待办 counts them); a second run adds nothing."""

from __future__ import annotations

import datetime

import pytest

from governance.demo import seed_demo
from governance.models import AuditEvent, Tenant, User
from governance.registry import todo_items
from governance.tenancy import tenant_context
from orgs.demo import seed_orgs_demo
from projects.demo import seed_for_demo
from projects.demo_ratings import seed_ratings
from projects.demo_renewals import NOT_CONTINUED_NOTE, seed_renewals
from projects.demo_reports import seed_reports
from projects.demo_tenders import seed_tenders
from projects.models import Contract, EvaluationKind, EvaluationStatus, RenewalReview, RenewalStatus


def _state():
    return (sorted(RenewalReview.objects.values_list("pk", "status", "recommendation", "next_contract_id")),
            Contract.objects.count(), AuditEvent.objects.count())


@pytest.mark.django_db
def test_demo_renewals_once():
    seed_demo(communities_per_street=2, grids_per_community=1)
    seed_orgs_demo(counts={"hengyang": 30, "zhuzhou": 12})
    seed_for_demo()
    seed_tenders()
    seed_ratings()
    seed_reports()
    seed_renewals()
    tenant = Tenant.objects.get(slug="hengyang")
    with tenant_context(tenant):
        reviews = list(RenewalReview.objects.select_related("contract", "next_contract"))
        assert len(reviews) >= 2
        assert len({r.contract.end_date for r in reviews}) == 1
        for review in reviews:
            final = review.contract.evaluations.get(kind=EvaluationKind.FINAL)
            assert final.status == EvaluationStatus.PUBLISHED
            assert {reason["code"] for reason in review.reasons} >= {"band", "term_cap", "credit"}
        renewed = [r for r in reviews if r.status == RenewalStatus.RENEWED]
        assert len(renewed) == 1
        successor = renewed[0].next_contract
        assert successor.prior_contract_id == renewed[0].contract_id
        assert successor.start_date == renewed[0].contract.end_date + datetime.timedelta(days=1)
        assert successor.indicators.count() == renewed[0].contract.indicators.count()
        assert successor.tranches.count() == renewed[0].contract.tranches.count()
        stopped = [r for r in reviews if r.status == RenewalStatus.NOT_CONTINUED]
        if len(reviews) >= 3:
            assert len(stopped) == 1 and stopped[0].decision_note == NOT_CONTINUED_NOTE
        else:
            assert not stopped
        pending = [r for r in reviews if r.status == RenewalStatus.PENDING]
        assert pending
        street = User.objects.get(username="hy_street")
        todo = {item.key: item.count for item in todo_items(street)}
        assert todo["projects.renewal.decide"] == len(pending)
        first = _state()
    seed_renewals()
    with tenant_context(tenant):
        assert _state() == first
