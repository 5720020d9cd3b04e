"""Notifications (通知): an inbox per user, e-mail at once or in a daily digest, per-user preferences.

Apps declare their kinds in ``AppConfig.ready()`` and call ``notify()`` from their services::

    from governance.notifications import notify, platform_language, register_notification_kind

    register_notification_kind("orgs.report_returned", _("Your annual report was returned"))

    with platform_language():
        title = _("Annual report %(year)s returned") % {"year": report.year}
    notify(recipients=users, kind="orgs.report_returned", title=title, body=note,
           url=reverse("orgs:report-detail", args=[report.pk]), obj=report, actor=actor)

See docs/core-kit.md ("Notifications").
"""

from governance.notifications.kinds import NotificationKind, notification_kinds, register_notification_kind
from governance.notifications.services import Message, notify, notify_many, platform_language

__all__ = ["Message", "NotificationKind", "notification_kinds", "notify", "notify_many", "platform_language",
           "register_notification_kind"]
