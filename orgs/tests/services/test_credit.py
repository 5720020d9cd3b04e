"""Credit list services (信用名单) by staff decision: listing, removal rules, rectification."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from governance.exceptions import ApplicationError
from orgs import services
from orgs.models import CreditList, CreditReason, CreditRecord, CreditSource, Organization, OrgStatus
from orgs.tests.factories import CreditRecordFactory, audit_actions_since, audit_marker
from orgs.tests.services.support import TODAY, Unchanged


def test_credit_add(a, users, org):
    marker = audit_marker()
    record = services.credit_add(actor=users["street_a"], organization=org, list_type=CreditList.ABNORMAL,
                                 reason=CreditReason.UNREACHABLE, listed_on=datetime.date(2025, 3, 3),
                                 decision_number="衡民社〔2025〕3号")
    assert (record.source, record.is_active, record.created_by) == (CreditSource.MANUAL, True, users["street_a"])
    assert audit_actions_since(marker) == ["credit.add"]


@pytest.mark.parametrize(("user", "list_type", "reason", "listed_on", "error"), [
    ("community_a", "abnormal", CreditReason.UNREACHABLE, datetime.date(2025, 1, 1), ApplicationError),
    ("street2_a", "abnormal", CreditReason.UNREACHABLE, datetime.date(2025, 1, 1), ApplicationError),
    ("street_a", "abnormal", CreditReason.LARGE_FINE, datetime.date(2025, 1, 1), ValidationError),
    ("street_a", "serious", CreditReason.UNREACHABLE, datetime.date(2025, 1, 1), ValidationError),
    ("street_a", "blacklist", CreditReason.UNREACHABLE, datetime.date(2025, 1, 1), ValidationError),
    ("street_a", "abnormal", CreditReason.UNREACHABLE, TODAY + datetime.timedelta(days=2), ValidationError),
])
def test_credit_add_refusals(a, users, org, user, list_type, reason, listed_on, error):
    with Unchanged(), pytest.raises(error):
        services.credit_add(actor=users[user], organization=org, list_type=list_type, reason=reason,
                            listed_on=listed_on)


def test_credit_remove_abnormal(a, users, org):
    record = CreditRecordFactory(organization=org, listed_on=datetime.date(2025, 1, 1))
    with Unchanged(), pytest.raises(ValidationError):
        services.credit_remove(actor=users["street_a"], record=record, removed_on=datetime.date(2025, 2, 1),
                               reason="")
    with Unchanged(), pytest.raises(ValidationError):
        services.credit_remove(actor=users["street_a"], record=record, removed_on=datetime.date(2024, 2, 1),
                               reason="错列")
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_remove(actor=users["community_a"], record=record, removed_on=datetime.date(2025, 2, 1),
                               reason="错列")
    marker = audit_marker()
    services.credit_remove(actor=users["street_a"], record=record, removed_on=datetime.date(2025, 2, 1),
                           reason="错列")
    assert audit_actions_since(marker) == ["credit.remove"]
    record.refresh_from_db()
    assert (record.removed_on, record.removal_reason, record.removed_by) == (datetime.date(2025, 2, 1), "错列",
                                                                             users["street_a"])
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_remove(actor=users["street_a"], record=record, removed_on=datetime.date(2025, 3, 1),
                               reason="again")


def test_credit_remove_serious_after_two_years_without_new_listing(a, users, org):
    first = CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE,
                                listed_on=datetime.date(2022, 1, 10))
    with Unchanged(), pytest.raises(ApplicationError) as info:
        services.credit_remove(actor=users["street_a"], record=first, removed_on=datetime.date(2024, 1, 9),
                               reason="申请移出")
    assert info.value.extra == {"earliest": "2024-01-10"}
    # A new listing restarts the two years.
    CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS, reason=CreditReason.COURT_DEFAULTER,
                        listed_on=datetime.date(2023, 6, 1))
    with Unchanged(), pytest.raises(ApplicationError) as info:
        services.credit_remove(actor=users["street_a"], record=first, removed_on=datetime.date(2024, 1, 10),
                               reason="申请移出")
    assert info.value.extra == {"earliest": "2025-06-01"}
    services.credit_remove(actor=users["street_a"], record=first, removed_on=datetime.date(2025, 6, 1),
                           reason="申请移出")
    assert CreditRecord.objects.get(pk=first.pk).removed_on == datetime.date(2025, 6, 1)


def test_credit_remove_serious_moved_from_abnormal_needs_the_obligation(a, users, org):
    serious = CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS, source=CreditSource.AUTOMATIC,
                                  reason=CreditReason.ABNORMAL_TWO_YEARS, listed_on=datetime.date(2022, 3, 1))
    moved = CreditRecordFactory(organization=org, reason=CreditReason.PARTY_ORG_NOT_SET,
                                listed_on=datetime.date(2020, 3, 1), removed_on=datetime.date(2022, 3, 1),
                                moved_to=serious)
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_remove(actor=users["street_a"], record=serious, removed_on=datetime.date(2024, 6, 1),
                               reason="申请移出")
    # The organization can still rectify the moved entry, and staff verify it.
    services.credit_apply_rectification(actor=users["org_a"], record=moved, applied_on=datetime.date(2024, 5, 1))
    services.credit_verify_rectification(actor=users["street_a"], record=moved,
                                         verified_on=datetime.date(2024, 5, 10))
    marker = audit_marker()
    services.credit_remove(actor=users["street_a"], record=serious, removed_on=datetime.date(2024, 6, 1),
                           reason="申请移出")
    assert audit_actions_since(marker) == ["credit.remove"]


def test_credit_remove_revoked_registration_only_by_deregistration(a, users, org):
    record = CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS,
                                 reason=CreditReason.REGISTRATION_REVOKED, listed_on=datetime.date(2020, 1, 1))
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_remove(actor=users["street_a"], record=record, removed_on=datetime.date(2025, 1, 1),
                               reason="x")
    Organization.objects.filter(pk=org.pk).update(status=OrgStatus.DEREGISTERED)
    services.credit_remove(actor=users["street_a"], record=record, removed_on=datetime.date(2025, 1, 1),
                           reason="已注销")
    assert CreditRecord.objects.get(pk=record.pk).removed_on == datetime.date(2025, 1, 1)


def test_rectification_apply_and_verify(a, users, org):
    record = CreditRecordFactory(organization=org, reason=CreditReason.UNREACHABLE,
                                 listed_on=datetime.date(2025, 1, 10))
    with Unchanged(), pytest.raises(ApplicationError):  # nothing applied for yet
        services.credit_verify_rectification(actor=users["street_a"], record=record,
                                             verified_on=datetime.date(2025, 2, 1))
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_apply_rectification(actor=users["street2_a"], record=record,
                                            applied_on=datetime.date(2025, 2, 1))
    marker = audit_marker()
    services.credit_apply_rectification(actor=users["org_a"], record=record, applied_on=datetime.date(2025, 2, 1))
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_apply_rectification(actor=users["org_a"], record=record,
                                            applied_on=datetime.date(2025, 2, 2))
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_verify_rectification(actor=users["community_a"], record=record,
                                             verified_on=datetime.date(2025, 2, 5))
    with Unchanged(), pytest.raises(ValidationError):
        services.credit_verify_rectification(actor=users["street_a"], record=record,
                                             verified_on=datetime.date(2025, 1, 31))
    services.credit_verify_rectification(actor=users["street_a"], record=record,
                                         verified_on=datetime.date(2025, 2, 5))
    assert audit_actions_since(marker) == ["credit.apply_rectification", "credit.verify_rectification"]
    record.refresh_from_db()
    assert (record.rectification_applied_on, record.rectification_verified_on, record.removed_on) == (
        datetime.date(2025, 2, 1), datetime.date(2025, 2, 5), None)  # the daily job removes it
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_verify_rectification(actor=users["street_a"], record=record,
                                             verified_on=datetime.date(2025, 2, 6))
    warning = CreditRecordFactory(organization=org, reason=CreditReason.WARNING_OR_SMALL_FINE)
    with Unchanged(), pytest.raises(ApplicationError):
        services.credit_apply_rectification(actor=users["org_a"], record=warning,
                                            applied_on=datetime.date(2025, 2, 1))
