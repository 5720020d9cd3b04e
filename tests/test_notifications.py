"""Notifications: notify() on commit, e-mail at most once, preferences, the idempotent daily digest."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from governance import registry
from governance.models import (
    AuditEvent,
    Delivery,
    Notification,
    NotificationDigest,
    NotificationPreference,
    User,
)
from governance.notifications import Message, notify, notify_many
from governance.notifications.services import (
    notification_digests_send,
    notification_emails_send,
    notification_mark_all_read,
    notification_preferences_set,
)
from governance.notifications.tasks import notification_digest_task, notification_email_task
from governance.tenancy import TenantNotSetError, tenant_context

# Two kinds the core registers itself: one e-mailed at once by default, one inbox-only by default.
LOUD = "governance.import_failed"
QUIET = "governance.import_finished"


@pytest.fixture
def people(users, tenant_a):
    """Tenant A users with e-mail addresses (the fixtures create them without)."""
    names = ["street_a", "community_a", "org_a", "grid_a"]
    for name in names:
        User.objects.filter(pk=users[name].pk).update(email=f"{name}@example.cn")
        users[name].refresh_from_db()
    return users


def _send(tenant, recipients, kind=LOUD, **kwargs):
    with tenant_context(tenant):
        return notify(recipients=recipients, kind=kind, title=kwargs.pop("title", "审批提醒"), **kwargs)


# --- notify() --------------------------------------------------------------------------------


def test_notify_creates_rows_and_emails_once_after_commit(people, tenant_a, django_capture_on_commit_callbacks):
    recipients = [people["street_a"], people["community_a"]]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = _send(tenant_a, recipients, body="请审核", url="/orgs/filings/1/")
    # Nothing is e-mailed before the change commits.
    assert mail.outbox == []
    assert len(rows) == 2 and len(callbacks) == 1
    callbacks[0]()
    assert sorted(message.to[0] for message in mail.outbox) == ["community_a@example.cn", "street_a@example.cn"]
    message = mail.outbox[0]
    assert "审批提醒" in message.subject and "请审核" in message.body and "查看：" in message.body
    assert "http://localhost:8000/orgs/filings/1/" in message.body
    with tenant_context(tenant_a):
        assert Notification.objects.filter(emailed_at__isnull=False).count() == 2
        ids = list(Notification.objects.values_list("pk", flat=True))
    # The task delivered twice (a retry, a duplicate message): nothing is sent again.
    notification_email_task(tenant_id=tenant_a.pk, notification_ids=ids)
    assert notification_email_task(tenant_id=tenant_a.pk, notification_ids=ids) == 0
    assert len(mail.outbox) == 2


def test_rolled_back_change_notifies_nobody(people, tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, tenant_context(tenant_a):
        try:
            with transaction.atomic():
                notify(recipients=[people["street_a"]], kind=LOUD, title="x")
                raise RuntimeError("the service failed after notifying")
        except RuntimeError:
            pass
        assert Notification.objects.count() == 0
    assert callbacks == [] and mail.outbox == []


def test_actor_other_tenant_and_inactive_users_are_not_notified(people, tenant_a, users,
                                                                 django_capture_on_commit_callbacks):
    User.objects.filter(pk=users["grid_a"].pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        rows = _send(tenant_a, [people["street_a"], people["community_a"], people["grid_a"], users["street_b"]],
                     actor=people["community_a"])
    assert [row.recipient_id for row in rows] == [people["street_a"].pk]
    assert [message.to for message in mail.outbox] == [["street_a@example.cn"]]


def test_user_without_email_gets_the_inbox_only(users, tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = _send(tenant_a, [users["street_a"]])
    assert len(rows) == 1 and callbacks == [] and mail.outbox == []


def test_notify_needs_a_tenant_a_registered_kind_and_an_inside_link(people, tenant_a):
    with pytest.raises(TenantNotSetError):
        notify(recipients=[people["street_a"]], kind=LOUD, title="x")
    with tenant_context(tenant_a):
        with pytest.raises(LookupError):
            notify(recipients=[people["street_a"]], kind="nobody.registered_this", title="x")
        for url in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
            with pytest.raises(ValueError):
                notify(recipients=[people["street_a"]], kind=LOUD, title="x", url=url)
        assert Notification.objects.count() == 0


def test_notify_many_costs_a_constant_number_of_queries(people, tenant_a, django_assert_num_queries):
    def messages(n):
        return [Message(recipients=[people["street_a"], people["org_a"]], kind=LOUD, title=f"m{i}")
                for i in range(n)]

    with tenant_context(tenant_a):
        # users, preferences, one INSERT (plus the savepoint of the atomic block)
        with django_assert_num_queries(5):
            notify_many(messages(2))
        with django_assert_num_queries(5):
            notify_many(messages(30))
        assert Notification.objects.count() == 64


def test_failed_send_is_retried_and_nothing_is_sent_twice(people, tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        rows = _send(tenant_a, [people["street_a"], people["community_a"], people["org_a"]])
    ids = [row.pk for row in rows]
    real_send = mail.EmailMessage.send

    def flaky(self, *args, **kwargs):
        if self.to == ["community_a@example.cn"]:
            raise OSError("mail server went away")
        return real_send(self, *args, **kwargs)

    with mock.patch.object(mail.EmailMessage, "send", flaky), pytest.raises(OSError):
        notification_emails_send(tenant=tenant_a, notification_ids=ids)
    assert [message.to for message in mail.outbox] == [["street_a@example.cn"]]
    # The retry sends the two that did not go out, and not the first again.
    assert notification_emails_send(tenant=tenant_a, notification_ids=ids) == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "community_a@example.cn", "org_a@example.cn", "street_a@example.cn"]


# --- preferences -----------------------------------------------------------------------------


def _set(user, choices):
    with tenant_context(user.tenant):
        return notification_preferences_set(actor=user, user=user, choices=choices)


def test_kind_choice_beats_general_choice_beats_kind_default(people, tenant_a, django_capture_on_commit_callbacks):
    street, community, org = people["street_a"], people["community_a"], people["org_a"]
    _set(street, {"": Delivery.OFF})                                   # no e-mail for anything ...
    _set(community, {"": Delivery.OFF, LOUD: Delivery.IMMEDIATE})      # ... except this kind
    _set(org, {QUIET: Delivery.IMMEDIATE})                             # a kind that is quiet by default
    with django_capture_on_commit_callbacks(execute=True):
        loud = {row.recipient_id: row.delivery for row in _send(tenant_a, [street, community, org], kind=LOUD)}
        quiet = {row.recipient_id: row.delivery for row in _send(tenant_a, [street, community, org], kind=QUIET)}
    assert loud == {street.pk: Delivery.OFF, community.pk: Delivery.IMMEDIATE, org.pk: Delivery.IMMEDIATE}
    assert quiet == {street.pk: Delivery.OFF, community.pk: Delivery.OFF, org.pk: Delivery.IMMEDIATE}
    assert sorted(m.to[0] for m in mail.outbox) == ["community_a@example.cn", "org_a@example.cn",
                                                    "org_a@example.cn"]


def test_preferences_are_audited_and_reset_to_default(people, tenant_a):
    street = people["street_a"]
    assert _set(street, {LOUD: Delivery.DIGEST, "": ""}) == {LOUD: ["", Delivery.DIGEST]}
    assert _set(street, {LOUD: Delivery.DIGEST}) == {}  # unchanged: no second event
    assert _set(street, {LOUD: ""}) == {LOUD: [Delivery.DIGEST, ""]}
    with tenant_context(tenant_a):
        assert not NotificationPreference.objects.filter(user=street).exists()
        events = list(AuditEvent.objects.filter(action="notification_preference.update").order_by("id"))
    assert [event.changes for event in events] == [{LOUD: ["", "digest"]}, {LOUD: ["digest", ""]}]
    assert registry.audit_action_label("notification_preference.update") != "notification_preference.update"


@pytest.mark.parametrize("choices", [{LOUD: "weekly"}, {"no.such_kind": Delivery.OFF}])
def test_bad_preferences_change_nothing(people, tenant_a, choices):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _set(people["street_a"], choices)
    with tenant_context(tenant_a):
        assert not NotificationPreference.objects.exists()
        assert not AuditEvent.objects.filter(action="notification_preference.update").exists()


def test_nobody_sets_another_users_preferences(people, tenant_a):
    from governance.exceptions import ApplicationError

    with tenant_context(tenant_a), pytest.raises(ApplicationError):
        notification_preferences_set(actor=people["street_a"], user=people["org_a"], choices={"": Delivery.OFF})


# --- daily digest ----------------------------------------------------------------------------

DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def digest_users(people, tenant_a):
    for name in ("street_a", "community_a", "org_a"):
        _set(people[name], {"": Delivery.DIGEST})
    return [people["street_a"], people["community_a"], people["org_a"]]


def test_digest_sends_one_email_per_user_and_running_twice_sends_nothing_more(
        digest_users, tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for n in range(3):
            _send(tenant_a, digest_users, title=f"第{n + 1}件事", url=f"/orgs/reports/{n + 1}/")
    assert callbacks == [] and mail.outbox == []  # digest users get no immediate e-mail
    assert notification_digests_send(tenant=tenant_a, day=DAY) == {"sent": 3, "failed": 0, "skipped": 0}
    assert len(mail.outbox) == 3
    body = mail.outbox[0].body
    assert all(f"第{n}件事" in body for n in (1, 2, 3)) and "http://localhost:8000/orgs/reports/3/" in body
    # Run again (a second beat tick, a retry): nothing is due, nothing is sent.
    assert notification_digest_task(tenant_id=tenant_a.pk, day=DAY.isoformat()) == {
        "sent": 0, "failed": 0, "skipped": 0}
    assert len(mail.outbox) == 3
    with tenant_context(tenant_a):
        assert NotificationDigest.objects.filter(day=DAY).count() == 3
        assert not Notification.objects.filter(digested_at__isnull=True).exists()
        assert set(NotificationDigest.objects.values_list("count", flat=True)) == {3}


def test_digest_is_at_most_one_email_a_day(digest_users, tenant_a):
    _send(tenant_a, digest_users, title="早上")
    notification_digests_send(tenant=tenant_a, day=DAY)
    _send(tenant_a, digest_users, title="下午")
    assert notification_digests_send(tenant=tenant_a, day=DAY)["sent"] == 0
    assert len(mail.outbox) == 3
    # The afternoon's notifications wait for the next day's digest, they are not lost.
    assert notification_digests_send(tenant=tenant_a, day=DAY + datetime.timedelta(days=1))["sent"] == 3
    assert all("下午" in message.body and "早上" not in message.body for message in mail.outbox[3:])


def test_digest_failure_for_one_user_loses_nothing_and_repeats_nothing(digest_users, tenant_a):
    _send(tenant_a, digest_users, title="提醒")
    real_send = mail.EmailMessage.send

    def flaky(self, *args, **kwargs):
        if self.to == ["community_a@example.cn"]:
            raise OSError("mail server went away")
        return real_send(self, *args, **kwargs)

    with mock.patch.object(mail.EmailMessage, "send", flaky):
        assert notification_digests_send(tenant=tenant_a, day=DAY) == {"sent": 2, "failed": 1, "skipped": 0}
    with tenant_context(tenant_a):
        # The failed user's rows are still due and no digest was recorded for them.
        due = Notification.objects.filter(digested_at__isnull=True).values_list("recipient_id", flat=True)
        assert list(due) == [digest_users[1].pk]
        assert not NotificationDigest.objects.filter(recipient=digest_users[1]).exists()
    assert notification_digests_send(tenant=tenant_a, day=DAY) == {"sent": 1, "failed": 0, "skipped": 0}
    assert sorted(message.to[0] for message in mail.outbox) == [
        "community_a@example.cn", "org_a@example.cn", "street_a@example.cn"]


def test_digest_leaves_out_what_was_read_in_the_inbox(digest_users, tenant_a):
    _send(tenant_a, digest_users, title="已读")
    with tenant_context(tenant_a):
        notification_mark_all_read(user=digest_users[0])
    assert notification_digests_send(tenant=tenant_a, day=DAY) == {"sent": 2, "failed": 0, "skipped": 1}
    assert sorted(message.to[0] for message in mail.outbox) == ["community_a@example.cn", "org_a@example.cn"]
    with tenant_context(tenant_a):
        assert not Notification.objects.filter(digested_at__isnull=True).exists()


def test_digest_lists_at_most_fifty_and_counts_the_rest(digest_users, tenant_a):
    with tenant_context(tenant_a):
        notify_many([Message(recipients=[digest_users[0]], kind=LOUD, title=f"事项{i:02d}") for i in range(53)])
    notification_digests_send(tenant=tenant_a, day=DAY)
    body = mail.outbox[0].body
    assert "事项49" in body and "事项50" not in body and "另有 3 条" in body


def test_digest_is_a_registered_daily_task_per_tenant():
    spec = {spec.task: spec for spec in registry.periodic_tasks()}["governance.notifications.digest"]
    assert spec.per_tenant and spec.crontab == {"minute": "0", "hour": "8"}
    from governance.celery import app

    assert "governance.notifications.digest" in app.tasks and "governance.notifications.email" in app.tasks


def test_inactive_tenant_tasks_do_nothing(digest_users, tenant_a):
    _send(tenant_a, digest_users)
    type(tenant_a).objects.filter(pk=tenant_a.pk).update(is_active=False)
    assert notification_digest_task(tenant_id=tenant_a.pk) == {}
    assert notification_email_task(tenant_id=tenant_a.pk, notification_ids=[1]) == 0
    assert mail.outbox == []


class _Crash(BaseException):
    """A worker killed mid-run (not an ``Exception``: nothing in the service catches it)."""


@pytest.mark.django_db(transaction=True)
def test_digest_crash_midway_keeps_what_was_sent_and_sends_the_rest_once(digest_users, tenant_a):
    """Real commits (no test transaction around): each user's digest commits on its own, so a crash after
    the first user loses nothing and the next run neither repeats the first nor skips the others."""
    from django.db import connection

    assert not connection.in_atomic_block
    _send(tenant_a, digest_users, title="提醒")
    real_send = mail.EmailMessage.send

    def crash_on_second(self, *args, **kwargs):
        if self.to == ["community_a@example.cn"]:
            raise _Crash
        return real_send(self, *args, **kwargs)

    with mock.patch.object(mail.EmailMessage, "send", crash_on_second), pytest.raises(_Crash):
        notification_digests_send(tenant=tenant_a, day=DAY)
    assert [message.to for message in mail.outbox] == [["street_a@example.cn"]]
    with tenant_context(tenant_a):
        assert list(NotificationDigest.objects.values_list("recipient__username", flat=True)) == ["street_a"]
    assert notification_digests_send(tenant=tenant_a, day=DAY) == {"sent": 2, "failed": 0, "skipped": 0}
    assert sorted(message.to[0] for message in mail.outbox) == [
        "community_a@example.cn", "org_a@example.cn", "street_a@example.cn"]
