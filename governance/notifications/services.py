"""Writes of the notifications: create them (e-mail queued on commit), mark read, preferences, e-mail, digest.

``notify()`` is what apps call, inside the service that made the change: the rows are part of the
change's transaction, and the e-mail task is queued only once it commits (a rolled-back change notifies
nobody). Titles are stored as text: build them under ``platform_language()`` so every recipient reads
the platform's language, whatever language the actor's browser asked for.

E-mail is sent at most once per notification: the immediate e-mail and the digest each lock their rows,
send, and mark them in one transaction per recipient, so a task that runs twice (a retry, a second beat
tick, two workers) finds nothing left to send, and a failure rolls back only what was not sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.exceptions import ApplicationError
from governance.models import Delivery, Notification, NotificationDigest, NotificationPreference, User
from governance.notifications.audit import NotificationAudit
from governance.notifications.kinds import get_kind, notification_kinds
from governance.tenancy import TenantNotSetError, get_current_tenant_id, tenant_context

logger = logging.getLogger(__name__)

# A digest lists this many notifications; the rest are counted ("and 12 more in your inbox").
DIGEST_MAX_ITEMS = 50


def platform_language():
    """``with platform_language(): title = _("…") % {...}``: notification texts in the platform's language."""
    return translation.override(settings.LANGUAGE_CODE)


@dataclass(frozen=True)
class Message:
    """One notification for several recipients (users or user ids)."""

    recipients: Iterable[Any]
    kind: str
    title: str
    body: str = ""
    url: str = ""
    obj: models.Model | None = None


def _user_ids(recipients: Iterable[Any]) -> set[int]:
    ids: set[int] = set()
    for recipient in recipients:
        pk = getattr(recipient, "pk", recipient)
        if pk is not None:
            ids.add(int(pk))
    return ids


def _check_url(url: str) -> str:
    # Only paths inside the platform: the inbox's "open" redirect must never lead elsewhere.
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValueError(f"a notification link must be a path inside the platform, not {url!r}")
    return url


def deliveries_for(user_ids: Iterable[int], kinds: Iterable[str]) -> dict[tuple[int, str], str]:
    """``{(user_id, kind): delivery}``: the user's choice for the kind, else for every kind, else the kind's
    default (one query)."""
    user_ids, kinds = set(user_ids), set(kinds)
    chosen = {
        (user_id, kind): delivery
        for user_id, kind, delivery in NotificationPreference.objects.filter(
            user_id__in=user_ids, kind__in=[*kinds, ""]
        ).values_list("user_id", "kind", "delivery")
    }
    return {
        (user_id, kind): chosen.get((user_id, kind)) or chosen.get((user_id, "")) or get_kind(kind).default
        for user_id in user_ids for kind in kinds
    }


@transaction.atomic
def notify_many(messages: Iterable[Message], *, actor=None) -> list[Notification]:
    """Create the notifications of several messages at once (a constant number of queries) and queue
    their immediate e-mails on commit. ``actor`` (who caused it) is never notified of their own act.
    Recipients of another tenant and inactive accounts are left out."""
    tenant_id = get_current_tenant_id()
    if tenant_id is None:
        raise TenantNotSetError("notify() needs an active tenant")
    messages = list(messages)
    skip = {actor.pk} if getattr(actor, "pk", None) else set()
    wanted = []
    for message in messages:
        get_kind(message.kind)  # an unregistered kind is a programming error
        _check_url(str(message.url or ""))
        wanted.append(_user_ids(message.recipients) - skip)
    all_ids = set().union(*wanted) if wanted else set()
    if not all_ids:
        return []
    emails = dict(User.objects.filter(pk__in=all_ids, tenant_id=tenant_id, is_active=True)
                  .values_list("pk", "email"))
    deliveries = deliveries_for(emails, {message.kind for message in messages})
    rows = []
    for message, ids in zip(messages, wanted, strict=True):
        obj = message.obj
        content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
        for user_id in sorted(ids & emails.keys()):
            rows.append(Notification(
                tenant_id=tenant_id, recipient_id=user_id, kind=message.kind, title=str(message.title)[:200],
                body=str(message.body or ""), url=str(message.url or "")[:500], content_type=content_type,
                object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
                delivery=deliveries[(user_id, message.kind)],
            ))
    Notification.objects.bulk_create(rows, batch_size=500)
    to_email = [row.pk for row in rows if row.delivery == Delivery.IMMEDIATE and emails[row.recipient_id]]
    if to_email:
        # robust: a broker or mail server that is down must not turn the committed change into an error.
        transaction.on_commit(partial(_queue_emails, tenant_id, to_email), robust=True)
    return rows


def notify(*, recipients, kind: str, title, body="", url: str = "", obj=None, actor=None) -> list[Notification]:
    """Notify ``recipients`` (users or ids) in the inbox, and by e-mail per their preferences, on commit."""
    return notify_many([Message(recipients=recipients, kind=kind, title=title, body=body, url=url, obj=obj)],
                       actor=actor)


def _queue_emails(tenant_id: int, notification_ids: list[int]) -> None:
    from governance.notifications.tasks import notification_email_task

    notification_email_task.delay(tenant_id=tenant_id, notification_ids=notification_ids)


# --- read state ------------------------------------------------------------------------------
# Read marks are the user's own bookkeeping, not a governance change, so they write no audit event
# (Zulip does not audit message flags either); the preferences below, which change what is sent, do.


def notification_mark_read(*, user, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise ApplicationError(_("This notification is not yours."))
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of ``user`` read (one UPDATE); returns how many."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())


# --- preferences -----------------------------------------------------------------------------


@transaction.atomic
def notification_preferences_set(*, actor, user, choices: dict[str, str]) -> dict[str, list[str]]:
    """Set a user's deliveries: ``{kind or "" (every kind): delivery or "" (use the default)}``.

    Returns the changes ``{kind: [before, after]}``; audited as one event.
    """
    if getattr(actor, "pk", None) != user.pk:
        raise ApplicationError(_("You may change only your own notification settings."))
    known = {kind.key for kind in notification_kinds()} | {""}
    errors = {}
    for kind, delivery in choices.items():
        if kind not in known:
            errors[kind or "default"] = [_("Unknown kind of notification.")]
        elif delivery and delivery not in Delivery.values:
            errors[kind or "default"] = [_("Choose how to receive these notifications.")]
    if errors:
        raise ValidationError(errors)
    existing = {pref.kind: pref for pref in NotificationPreference.objects.select_for_update().filter(user=user)}
    changes: dict[str, list[str]] = {}
    for kind, delivery in choices.items():
        row = existing.get(kind)
        before = row.delivery if row is not None else ""
        if before == delivery:
            continue
        changes[kind] = [before, delivery]
        if not delivery:
            row.delete()
        elif row is None:
            row = NotificationPreference(tenant_id=user.tenant_id, user=user, kind=kind, delivery=delivery)
            row.full_clean()
            row.save()
        else:
            row.delivery = delivery
            row.save(update_fields=["delivery", "updated_at"])
    if changes:
        audit_record(actor=actor, action=NotificationAudit.PREFERENCES_UPDATE, obj=user, changes=changes)
    return changes


# --- e-mail ----------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{settings.PLATFORM_BASE_URL.rstrip('/')}{path}" if path else ""


def _email(*, to: str, subject: str, template: str, context: dict) -> EmailMessage:
    with platform_language():
        context = {"platform_name": str(settings.PLATFORM_NAME),
                   "settings_url": _absolute(reverse("notifications:preferences")),
                   "inbox_url": _absolute(reverse("notifications:inbox")), **context}
        body = render_to_string(template, context)
        subject = f"[{settings.PLATFORM_NAME}] {subject}"
    # A header cannot hold a line break; titles come from apps, so flatten rather than fail.
    return EmailMessage(subject=" ".join(subject.split())[:250], body=body, to=[to])


def notification_emails_send(*, tenant, notification_ids: Iterable[int]) -> int:
    """E-mail the given immediate notifications not e-mailed yet; returns how many went out.

    One transaction per notification: lock the row (another worker holding it skips it), send, mark
    ``emailed_at``. A send that fails raises and rolls back only that row, so a retry sends the rest
    and nothing twice. (A crash between the mail server's acceptance and the commit could still repeat
    one e-mail: SMTP offers no two-phase commit.)
    """
    sent = 0
    for pk in sorted(set(notification_ids)):
        with tenant_context(tenant):
            row = (Notification.objects.select_for_update(skip_locked=True, of=("self",))
                   .select_related("recipient")
                   .filter(pk=pk, delivery=Delivery.IMMEDIATE, emailed_at__isnull=True).first())
            if row is None or not row.recipient.is_active or not row.recipient.email:
                continue
            _email(to=row.recipient.email, subject=row.title, template="governance/notifications/email.txt",
                   context={"notification": row, "link": _absolute(row.url)}).send()
            Notification.objects.filter(pk=row.pk).update(emailed_at=timezone.now())
            sent += 1
    return sent


def _digest_recipients(tenant, day) -> list[User]:
    with tenant_context(tenant):
        due = Notification.objects.filter(recipient_id=models.OuterRef("pk"), delivery=Delivery.DIGEST,
                                          digested_at__isnull=True)
        sent_today = NotificationDigest.objects.filter(recipient_id=models.OuterRef("pk"), day=day)
        return list(User.objects.filter(tenant_id=tenant.pk, is_active=True).exclude(email="")
                    .filter(models.Exists(due)).exclude(models.Exists(sent_today)).order_by("pk"))


def _digest_one(tenant, user: User, day) -> bool:
    """Inside the caller's transaction: lock the user's due rows, mark them, record and send one e-mail."""
    rows = list(Notification.objects.select_for_update(of=("self",))
                .filter(recipient_id=user.pk, delivery=Delivery.DIGEST, digested_at__isnull=True)
                .order_by("created_at", "id"))
    now = timezone.now()
    unread = [row for row in rows if row.read_at is None]
    if not unread:
        # Everything was read in the inbox meanwhile: nothing to e-mail, but nothing left due either.
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(digested_at=now)
        return False
    # The unique (recipient, day) key: a second run the same day fails here and sends nothing.
    digest = NotificationDigest.objects.create(tenant_id=tenant.pk, recipient=user, day=day, count=len(unread))
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(digest=digest, digested_at=now)
    with platform_language():
        subject = _("%(count)s new notifications") % {"count": len(unread)}
    _email(to=user.email, subject=subject, template="governance/notifications/digest.txt", context={
        "user": user, "items": [(row, _absolute(row.url)) for row in unread[:DIGEST_MAX_ITEMS]],
        "more": max(0, len(unread) - DIGEST_MAX_ITEMS), "day": day,
    }).send()
    return True


def notification_digests_send(*, tenant, day=None) -> dict[str, int]:
    """The daily digest of one tenant: one e-mail per user with notifications due, at most one a day.

    Idempotent: one transaction per user marks the listed rows, records the digest (unique per user and
    day) and sends; run twice, the second run finds nothing due. A failed send rolls back that user's
    transaction only: their rows stay due for the next run, the others are done.
    """
    day = day or timezone.localdate()
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for user in _digest_recipients(tenant, day):
        try:
            with tenant_context(tenant):
                counts["sent" if _digest_one(tenant, user, day) else "skipped"] += 1
        except IntegrityError:
            counts["skipped"] += 1  # another run sent this user's digest for the day meanwhile
        except Exception:
            logger.exception("notification digest for user %s failed; it stays due", user.pk)
            counts["failed"] += 1
    return counts
