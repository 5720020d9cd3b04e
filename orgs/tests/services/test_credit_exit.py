"""Issue 11: the serious list under MCA Order 60, replayed with a test clock over several years.

The daily job runs as beat runs it (the task, today's date from the clock); the organization and staff
act through the services on the simulated dates. Counting: two years on the abnormal list per
organization from its first continuous listing; two years without a new listing before leaving the
serious list; six months for a warning from the organization's latest abnormal listing (calendar dates).
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from governance.exceptions import ApplicationError, ConflictError
from governance.models import Notification, StatusChange
from orgs import navigation, services, tasks
from orgs.models import (
    Conclusion,
    CreditExitApplication,
    CreditExitStatus,
    CreditList,
    CreditReason,
    CreditRecord,
    CreditSource,
    ReportStatus,
)
from orgs.services.credit_rules import abnormal_stretch_start
from orgs.tests.factories import (
    AnnualReportFactory,
    CreditRecordFactory,
    OrganizationFactory,
    audit_actions_since,
    audit_marker,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def clock():
    """The test clock: ``clock.to("2025-06-01")`` sets today (09:00 in Shanghai); it does not tick."""
    with time_machine.travel(datetime.datetime(2025, 1, 1, 9, tzinfo=SHANGHAI), tick=False) as traveller:
        class Clock:
            @staticmethod
            def to(day: str) -> None:
                traveller.move_to(datetime.datetime.combine(d(day), datetime.time(9), tzinfo=SHANGHAI))
        yield Clock


def job(tenant) -> dict:
    """The daily task for today's date (as beat sends it: no date)."""
    return tasks.apply_credit_rules.delay(tenant_id=tenant.pk).get()


def days(first: str, last: str, step: int = 1):
    day = d(first)
    while day <= d(last):
        yield day.isoformat()
        day += datetime.timedelta(days=step)


def run_days(tenant, clock, first: str, last: str, step: int = 1) -> dict[str, dict]:
    """Run the job on every (``step``-th) day from ``first`` to ``last``; returns the days something changed."""
    changes = {}
    for day in days(first, last, step):
        clock.to(day)
        counts = {key: n for key, n in job(tenant).items() if n}
        if counts:
            changes[day] = counts
    return changes


def open_entries(org) -> set[tuple[str, str]]:
    return set(CreditRecord.objects.filter(organization=org, removed_on__isnull=True).values_list(
        "list_type", "reason"))


def review(report, users) -> None:
    services.annual_report_submit(actor=users["org_a"], report=report)
    services.annual_report_review(actor=users["street_a"], report=report, conclusion=Conclusion.QUALIFIED)


# --- counting per organization ------------------------------------------------------------------------------

@pytest.mark.parametrize(("listings", "expected"), [
    ([], None),
    ([("2024-01-10", None)], "2024-01-10"),
    ([("2024-01-10", "2024-07-10")], None),                                    # left the list: no stretch
    ([("2024-01-10", "2024-07-10"), ("2024-07-10", None)], "2024-01-10"),      # listed the day of removal
    ([("2024-01-10", "2024-07-10"), ("2024-07-11", None)], "2024-07-11"),      # a day off the list
    ([("2024-01-10", None), ("2024-03-01", "2024-04-01")], "2024-01-10"),      # inside an open entry
    ([("2024-01-10", "2024-05-01"), ("2024-03-01", None), ("2026-01-01", None)], "2024-01-10"),
    ([("2024-01-10", None), ("2099-01-01", None)], "2024-01-10"),              # a future listing is ignored
])
def test_stretch_starts_at_the_first_continuous_listing(listings, expected):
    pairs = [(d(listed), d(removed) if removed else None) for listed, removed in listings]
    start = abnormal_stretch_start(pairs, d("2026-06-01"))
    assert start == (d(expected) if expected else None)


def test_two_reasons_one_move_one_serious_entry_every_abnormal_entry_closed(a, tree_a, users, org, clock):
    """The issue's case, day by day over three years: a report overdue, then unreachable, a warning, the
    next report overdue — one move two years after the first listing, and never a second serious entry."""
    report_2024 = AnnualReportFactory(organization=org, year=2024, due_date=d("2025-05-31"))
    AnnualReportFactory(organization=org, year=2025, due_date=d("2026-05-31"))
    changes = run_days(a, clock, "2025-05-30", "2025-06-02")
    assert changes == {"2025-06-01": {"listed_overdue": 1}}
    clock.to("2025-07-01")
    services.credit_add(actor=users["street_a"], organization=org, list_type=CreditList.ABNORMAL,
                        reason=CreditReason.WARNING_OR_SMALL_FINE, listed_on=d("2025-07-01"))
    clock.to("2025-09-01")
    services.credit_add(actor=users["street_a"], organization=org, list_type=CreditList.ABNORMAL,
                        reason=CreditReason.UNREACHABLE, listed_on=d("2025-09-01"))
    changes = run_days(a, clock, "2025-09-01", "2027-06-10")
    # Daily around the days the per-entry count used to move the organization again, weekly in between.
    changes |= run_days(a, clock, "2027-06-11", "2028-06-05", step=7)
    changes |= run_days(a, clock, "2027-08-29", "2027-09-03") | run_days(a, clock, "2028-05-29", "2028-06-03")
    # The warning of 1 July would leave on 1 January; the listing of 1 September restarted its six months
    # (and only those): it leaves on 1 March. The 2025 report is listed the day after its due date.
    # Two full years after the first listing (1 June 2025) the organization moves, as a whole, once.
    assert changes == {
        "2026-03-01": {"removed_no_rectification": 1},
        "2026-06-01": {"listed_overdue": 1},
        "2027-06-01": {"moved_to_serious": 1},
    }
    assert open_entries(org) == {("serious", "abnormal_two_years")}
    serious = CreditRecord.objects.get(organization=org, list_type=CreditList.SERIOUS)
    assert (serious.listed_on, serious.source) == (d("2027-06-01"), CreditSource.AUTOMATIC)
    moved = CreditRecord.objects.filter(moved_to=serious)
    assert set(moved.values_list("reason", "removed_on")) == {
        ("annual_report_overdue", d("2027-06-01")), ("unreachable", d("2027-06-01"))}
    assert moved.count() == 3  # both reports and the unreachable entry; the warning had left before
    assert CreditRecord.objects.get(annual_report=report_2024).moved_to == serious
    # The organization's users heard of the move once, as a listing on the serious list.
    listed = Notification.objects.filter(recipient=users["org_a"], kind="orgs.credit_listed",
                                         object_id=str(serious.pk))
    assert listed.count() == 1


def test_a_second_stretch_while_still_on_the_serious_list_joins_the_open_entry(a, tree_a, users, org, clock):
    CreditRecordFactory(organization=org, reason=CreditReason.UNREACHABLE, listed_on=d("2023-03-01"))
    clock.to("2025-03-01")
    assert job(a)["moved_to_serious"] == 1
    serious = CreditRecord.objects.get(organization=org, list_type=CreditList.SERIOUS)
    # Listed again on the abnormal list while on the serious list: a new stretch from 2025-06-01.
    clock.to("2025-06-01")
    services.credit_add(actor=users["street_a"], organization=org, list_type=CreditList.ABNORMAL,
                        reason=CreditReason.PARTY_ORG_NOT_SET, listed_on=d("2025-06-01"))
    assert run_days(a, clock, "2027-05-30", "2027-06-02") == {"2027-06-01": {"moved_to_serious": 1}}
    assert CreditRecord.objects.filter(organization=org, list_type=CreditList.SERIOUS).count() == 1
    assert CreditRecord.objects.filter(moved_to=serious).count() == 2
    assert open_entries(org) == {("serious", "abnormal_two_years")}
    # The move onto the open entry is a new listing: two years from it before leaving.
    assert services.serious_latest_listing(org.pk) == d("2027-06-01")
    with pytest.raises(ApplicationError) as info:
        services.serious_removal_check(serious, d("2029-05-31"))
    assert info.value.extra == {"earliest": "2029-06-01"}


def test_the_database_keeps_one_open_move_per_organization(a, users, org, clock):
    first = CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS,
                                reason=CreditReason.ABNORMAL_TWO_YEARS, listed_on=d("2024-01-10"))
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS, reason=CreditReason.ABNORMAL_TWO_YEARS,
                            listed_on=d("2024-02-10"))
    # Other serious reasons are other legal grounds; a removed entry is history.
    CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE)
    clock.to("2025-01-10")
    marker = audit_marker()
    with pytest.raises(ValidationError) as info:
        services.credit_add(actor=users["street_a"], organization=org, list_type=CreditList.SERIOUS,
                            reason=CreditReason.ABNORMAL_TWO_YEARS, listed_on=d("2025-01-10"))
    assert "满两年被列入严重违法失信名单" in str(info.value) or "already on the serious list" in str(info.value)
    assert audit_actions_since(marker) == []
    CreditRecord.objects.filter(pk=first.pk).update(removed_on=d("2025-01-10"))
    services.credit_add(actor=users["street_a"], organization=org, list_type=CreditList.SERIOUS,
                        reason=CreditReason.ABNORMAL_TWO_YEARS, listed_on=d("2025-01-10"))


# --- the application to leave the serious list --------------------------------------------------------------

@pytest.fixture
def moved(a, org, clock):
    """``org`` listed on 1 June 2025 for its overdue 2024 report, moved to the serious list on 1 June 2027."""
    report = AnnualReportFactory(organization=org, year=2024, due_date=d("2025-05-31"))
    clock.to("2025-06-01")
    job(a)
    clock.to("2025-09-01")
    CreditRecordFactory(organization=org, reason=CreditReason.UNREACHABLE, listed_on=d("2025-09-01"))
    clock.to("2027-06-01")
    assert job(a)["moved_to_serious"] == 1
    serious = CreditRecord.objects.get(organization=org, list_type=CreditList.SERIOUS)
    return {"report": report, "serious": serious,
            "unreachable": CreditRecord.objects.get(moved_to=serious, reason=CreditReason.UNREACHABLE)}


def test_leaving_too_early_is_refused_with_the_date_it_becomes_possible(a, users, org, clock, moved):
    clock.to("2029-05-31")
    marker = audit_marker()
    with pytest.raises(ApplicationError) as info:
        services.credit_exit_apply(actor=users["org_a"], record=moved["serious"], statement="已整改")
    assert info.value.extra == {"earliest": "2029-06-01"}
    assert "2029-06-01" in str(info.value.message)
    assert audit_actions_since(marker) == []
    assert not CreditExitApplication.objects.exists()


def test_leaving_with_an_unfulfilled_obligation_is_refused_with_the_reason(a, users, org, clock, moved):
    clock.to("2029-06-01")
    with pytest.raises(ApplicationError) as info:
        services.credit_exit_apply(actor=users["org_a"], record=moved["serious"])
    unfulfilled = CreditRecord.objects.filter(moved_to=moved["serious"]).order_by("listed_on")
    assert info.value.extra == {"unfulfilled": [r.pk for r in unfulfilled]}
    message = str(info.value.message)
    assert ("年度报告" in message or "Annual report" in message) and "2025-09-01" in message
    # The overdue report filed and reviewed: that obligation is fulfilled at once, the other remains.
    review(moved["report"], users)
    with pytest.raises(ApplicationError) as info:
        services.credit_exit_apply(actor=users["org_a"], record=moved["serious"])
    assert info.value.extra == {"unfulfilled": [moved["unreachable"].pk]}
    assert not CreditExitApplication.objects.exists()


def test_a_reviewed_overdue_report_fulfils_the_obligation_of_the_moved_entry(a, users, org, clock, moved):
    """Issue 11 item 3: no separate rectification of the moved entry; the next daily run records it."""
    clock.to("2027-08-15")
    review(moved["report"], users)
    clock.to("2027-08-16")
    marker = audit_marker()
    counts = job(a)
    assert counts["obligations_fulfilled"] == 1
    entry = CreditRecord.objects.get(annual_report=moved["report"])
    assert (entry.rectification_verified_on, entry.removed_on, entry.moved_to) == (
        d("2027-08-15"), d("2027-06-01"), moved["serious"])
    assert audit_actions_since(marker) == ["credit.obligation_fulfilled"]
    assert job(a)["obligations_fulfilled"] == 0  # idempotent
    assert services.unfulfilled_obligations(moved["serious"]) == [moved["unreachable"]]


def test_both_conditions_met_staff_refuse_then_approve_and_the_entry_is_removed(a, tree_a, users, org, clock, moved):
    clock.to("2028-03-01")
    review(moved["report"], users)
    services.credit_apply_rectification(actor=users["org_a"], record=moved["unreachable"], applied_on=d("2028-03-01"))
    services.credit_verify_rectification(actor=users["street_a"], record=moved["unreachable"],
                                         verified_on=d("2028-03-01"))
    clock.to("2029-06-01")
    application = services.credit_exit_apply(actor=users["org_a"], record=moved["serious"], statement="  已补报年报  ")
    assert (application.status, application.applied_on, application.statement, application.organization) == (
        CreditExitStatus.PENDING, d("2029-06-01"), "已补报年报", org)
    # A double submission is refused with the pending application's date.
    with pytest.raises(ConflictError) as info:
        services.credit_exit_apply(actor=users["org_a"], record=moved["serious"])
    assert info.value.extra == {"application": application.pk}
    # The deciding staff have it in their to-do list and their inbox; other streets do not.
    todo = {item.key: item.count for item in navigation.todos(users["street_a"])}
    assert todo["orgs.credit.exit"] == 1
    assert {item.key: item.count for item in navigation.todos(users["street2_a"])}["orgs.credit.exit"] == 0
    to_decide = Notification.objects.filter(kind="orgs.credit_exit_to_decide", object_id=str(application.pk))
    assert set(to_decide.values_list("recipient__username", flat=True)) == {"street_a", "admin_a"}
    # Out of jurisdiction, or without a reason: refused, nothing changes.
    with pytest.raises(ApplicationError):
        services.credit_exit_decide(actor=users["street2_a"], application=application, approve=True)
    with pytest.raises(ApplicationError):
        services.credit_exit_decide(actor=users["street_a"], application=application, approve=False, note=" ")
    services.credit_exit_decide(actor=users["street_a"], application=application, approve=False,
                                note="请先提交整改报告")
    application.refresh_from_db()
    assert (application.status, application.decision_note, application.decided_by) == (
        CreditExitStatus.REJECTED, "请先提交整改报告", users["street_a"])
    refused = Notification.objects.get(kind="orgs.credit_exit_refused", recipient=users["org_a"])
    assert "请先提交整改报告" in refused.body
    assert open_entries(org) == {("serious", "abnormal_two_years")}
    # A decided application cannot be decided again.
    with pytest.raises(ConflictError):
        services.credit_exit_decide(actor=users["street_a"], application=application, approve=True)

    clock.to("2029-06-10")
    second = services.credit_exit_apply(actor=users["org_a"], record=moved["serious"], statement="整改报告已提交")
    marker = audit_marker()
    services.credit_exit_decide(actor=users["street_a"], application=second, approve=True)
    assert audit_actions_since(marker) == ["credit_exit.approved", "credit.remove"]
    serious = CreditRecord.objects.get(pk=moved["serious"].pk)
    assert (serious.removed_on, serious.removed_by) == (d("2029-06-10"), users["street_a"])
    assert "approved" in serious.removal_reason or "批准" in serious.removal_reason
    assert open_entries(org) == set()
    assert Notification.objects.filter(kind="orgs.credit_removed", recipient=users["org_a"],
                                       object_id=str(serious.pk)).count() == 1
    history = StatusChange.objects.filter(workflow="credit_exit", object_id=str(second.pk))
    assert list(history.values_list("from_status", "to_status")) == [("", "pending"), ("pending", "approved")]
    # Removed: nothing left to apply for.
    with pytest.raises(ApplicationError):
        services.credit_exit_apply(actor=users["org_a"], record=serious)


def test_approval_checks_the_conditions_again(a, users, org, clock):
    serious = CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE,
                                  listed_on=d("2022-01-10"))
    clock.to("2024-01-10")
    application = services.credit_exit_apply(actor=users["org_a"], record=serious)
    # Listed again (a new ground) before the decision: two more years from the new listing.
    CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS, reason=CreditReason.COURT_DEFAULTER,
                        listed_on=d("2024-01-12"))
    clock.to("2024-01-15")
    with pytest.raises(ApplicationError) as info:
        services.credit_exit_decide(actor=users["street_a"], application=application, approve=True)
    assert info.value.extra == {"earliest": "2026-01-12"}
    application.refresh_from_db()
    assert application.status == CreditExitStatus.PENDING  # the refused approval left nothing behind
    assert CreditRecord.objects.get(pk=serious.pk).removed_on is None


@pytest.mark.parametrize("case", ["abnormal entry", "other organization's member", "revoked registration"])
def test_application_refusals(a, tree_a, users, org, clock, case):
    clock.to("2030-01-01")
    if case == "abnormal entry":
        record, actor = CreditRecordFactory(organization=org), users["org_a"]
    elif case == "other organization's member":
        other = OrganizationFactory(region=tree_a["community"])
        record = CreditRecordFactory(organization=other, list_type=CreditList.SERIOUS,
                                     reason=CreditReason.LARGE_FINE, listed_on=d("2020-01-01"))
        actor = users["org_a"]
    else:
        record = CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS,
                                     reason=CreditReason.REGISTRATION_REVOKED, listed_on=d("2020-01-01"))
        actor = users["org_a"]
    with pytest.raises(ApplicationError):
        services.credit_exit_apply(actor=actor, record=record)
    assert not CreditExitApplication.objects.exists()


def test_reviewed_report_before_the_move_still_leaves_through_the_abnormal_rules(a, users, org, clock):
    """A report reviewed while its entry is on the abnormal list removes that entry (as before the issue)."""
    report = AnnualReportFactory(organization=org, year=2024, due_date=d("2025-05-31"))
    clock.to("2025-06-01")
    job(a)
    clock.to("2025-07-01")
    review(report, users)
    assert AnnualReportFactory._meta.model.objects.get(pk=report.pk).status == ReportStatus.REVIEWED
    clock.to("2025-07-02")
    assert job(a)["removed_verified"] == 1
    assert open_entries(org) == set()
