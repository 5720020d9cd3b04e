"""Performance records (published evaluations copied onto the organization) and the satisfaction roll-up:
written once per evaluation, audited, the mean weighted by ratings with one record per contract (the latest),
bad input refused with nothing saved, drift fixed and audited by the daily check."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.models import AuditEvent
from orgs import services
from orgs.models import Organization, PerformanceRecord

pytestmark = pytest.mark.django_db


def _add(org, users, evaluation_id, *, contract_id, satisfaction, ratings, kind="midterm",
         period=datetime.date(2026, 6, 30), score="82.34", band="good"):
    return services.performance_record_add(
        actor=users["street_a"], organization=org, evaluation_id=evaluation_id, contract_id=contract_id,
        contract_number=f"HT-{contract_id}", contract_title="居家养老服务", kind=kind, period=period, score=score,
        band=band, satisfaction=satisfaction, ratings=ratings, published_at=timezone.now())


def test_satisfaction_is_weighted_by_ratings_with_the_latest_record_per_contract(a, org, users):
    _add(org, users, 1, contract_id=10, satisfaction="80", ratings=2)
    org.refresh_from_db()
    assert (org.satisfaction_mean, org.satisfaction_ratings) == (Decimal("80.00"), 2)
    # Contract 20: 90 from 6 ratings → (80×2 + 90×6) / 8 = 87.5.
    _add(org, users, 2, contract_id=20, satisfaction="90", ratings=6)
    org.refresh_from_db()
    assert (org.satisfaction_mean, org.satisfaction_ratings) == (Decimal("87.50"), 8)
    # The final evaluation of contract 10 (its 5 ratings include the mid-term's 2) replaces the mid-term's:
    # (70×5 + 90×6) / 11 = 80.909… → 80.91.
    _add(org, users, 3, contract_id=10, satisfaction="70", ratings=5, kind="final", period=datetime.date(2026, 12, 31))
    org.refresh_from_db()
    assert (org.satisfaction_mean, org.satisfaction_ratings) == (Decimal("80.91"), 11)
    # Without ratings a record counts in the history but not in the satisfaction.
    _add(org, users, 4, contract_id=30, satisfaction=None, ratings=0)
    org.refresh_from_db()
    assert (org.satisfaction_mean, org.satisfaction_ratings) == (Decimal("80.91"), 11)
    assert PerformanceRecord.objects.filter(organization=org).count() == 4
    event = AuditEvent.objects.filter(action="organization.performance", object_id=str(org.pk)).order_by("id")[2]
    assert event.changes["satisfaction_mean"] == ["87.50", "80.91"] and event.changes["kind"] == "final"


def test_recording_twice_returns_the_first_record(a, org, users):
    first = _add(org, users, 7, contract_id=10, satisfaction="80", ratings=2)
    again = _add(org, users, 7, contract_id=10, satisfaction="10", ratings=99, score="1")
    assert again.pk == first.pk and again.score == Decimal("82.34")
    assert PerformanceRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="organization.performance").count() == 1


@pytest.mark.parametrize(("field", "value"), [("score", "abc"), ("score", "101"), ("satisfaction", "-1"),
                                             ("kind", "annual"), ("band", "best")])
def test_bad_input_is_refused_and_nothing_saved(a, org, users, field, value):
    values = {"satisfaction": "80", "ratings": 2, "score": "82.34", "kind": "midterm", "band": "good", field: value}
    with pytest.raises(ValidationError) as caught:
        _add(org, users, 1, contract_id=10, **values)
    assert field in caught.value.message_dict
    assert not PerformanceRecord.objects.exists()
    org.refresh_from_db()
    assert org.satisfaction_mean is None and not AuditEvent.objects.filter(action="organization.performance").exists()


def test_the_daily_check_fixes_and_audits_drift(a, org, users):
    _add(org, users, 1, contract_id=10, satisfaction="80", ratings=2)
    assert services.organization_satisfaction_check(tenant=a) == 0
    Organization.objects.filter(pk=org.pk).update(satisfaction_mean=Decimal("12"), satisfaction_ratings=40)
    assert services.organization_satisfaction_check(tenant=a) == 1
    org.refresh_from_db()
    assert (org.satisfaction_mean, org.satisfaction_ratings) == (Decimal("80.00"), 2)
    fix = AuditEvent.objects.get(action="organization.satisfaction_fixed")
    assert fix.changes == {"satisfaction_mean": ["12.00", "80.00"], "satisfaction_ratings": [40, 2]}
    assert services.organization_satisfaction_check(tenant=a) == 0
