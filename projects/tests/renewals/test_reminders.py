"""Daily reminders: contracts about to end and evaluations due, once per item (reruns and retries send nothing
twice); progress reports stay with their own reminders (reports_daily), not repeated here."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from governance.models import AuditEvent, Notification
from projects.models import ContractReminder, ContractStatus, Evaluation, ProgressReport, RenewalSettings
from projects.services import reminders as services
from projects.tasks_renewals import reminders_daily as reminders_task

from .conftest import contract

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 5)


def test_contract_expiring_reminds_staff_and_members_once(world, users):
    soon = contract(world, end=DAY + datetime.timedelta(days=30))
    later = contract(world, end=DAY + datetime.timedelta(days=31))
    contract(world, end=DAY + datetime.timedelta(days=10), status=ContractStatus.PENDING)  # not signed: no reminder
    assert services.reminders_daily(tenant=world.tenant, today=DAY) == {"contracts_expiring": 1,
                                                                        "evaluations_due": 0}
    notes = Notification.objects.filter(kind="projects.contract_expiring")
    assert {n.recipient.username for n in notes} == {"street_a", "admin_a", "org_a"}
    assert all(soon.number in n.title for n in notes)
    assert services.reminders_daily(tenant=world.tenant, today=DAY) == {"contracts_expiring": 0,
                                                                        "evaluations_due": 0}
    assert services.reminders_daily(tenant=world.tenant, today=DAY + datetime.timedelta(days=1))[
        "contracts_expiring"] == 1  # ``later`` is now 30 days before its end
    assert Notification.objects.filter(kind="projects.contract_expiring").count() == 6
    assert ContractReminder.objects.filter(contract=later).count() == 1
    assert AuditEvent.objects.filter(action="reminder.sent").count() == 2
    RenewalSettings.objects.create(tenant=world.tenant, remind_days_before_end=60)
    contract(world, end=DAY + datetime.timedelta(days=59))
    assert reminders_task.delay(tenant_id=world.tenant.pk, today=DAY.isoformat()).get()["contracts_expiring"] == 1


def test_evaluation_due_reminds_staff_until_published(world, signed):
    # The mid-term report (Q3, due 10 October 2026) is past due; the final one (due 10 January 2027) is not.
    reports = {r.kind: r for r in ProgressReport.objects.filter(contract=signed)}
    assert reports["midterm"].due_date < DAY < reports["final"].due_date
    before = Notification.objects.filter(kind="projects.report_due").count()
    assert services.reminders_daily(tenant=world.tenant, today=DAY)["evaluations_due"] == 1
    note = Notification.objects.get(kind="projects.evaluation_due", recipient=world.street)
    assert signed.number in note.title and "2026-10-10" in note.title
    assert not Notification.objects.filter(kind="projects.evaluation_due", recipient=world.bidder).exists()
    # Report reminders are reports_daily's: this run sends none.
    assert Notification.objects.filter(kind="projects.report_due").count() == before
    assert services.reminders_daily(tenant=world.tenant, today=DAY + datetime.timedelta(days=1))[
        "evaluations_due"] == 0


def test_published_evaluation_is_not_reminded(world, signed):
    reports = {r.kind: r for r in ProgressReport.objects.filter(contract=signed)}
    now = timezone.now()
    Evaluation.objects.create(tenant=world.tenant, contract=signed, kind="midterm", period=reports["midterm"].period_end,
                              status="published", score="88.00", band="good", input_hash="0" * 64,
                              formula_version="test", computed_at=now, published_at=now)
    assert services.reminders_daily(tenant=world.tenant, today=DAY)["evaluations_due"] == 0

