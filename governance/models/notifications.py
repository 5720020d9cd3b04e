from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel


class Delivery(models.TextChoices):
    """How a user wants notifications of one kind: the inbox always gets them, e-mail depends on this."""

    IMMEDIATE = "immediate", _("Inbox and e-mail at once")
    DIGEST = "digest", _("Inbox and a daily e-mail digest")
    OFF = "off", _("Inbox only, no e-mail")


class NotificationDigest(TenantOwnedModel):
    """One daily digest e-mail (每日摘要) sent to one user: at most one per user and day (the unique key
    is what makes the digest task idempotent)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="+")
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("notifications"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta(TenantOwnedModel.Meta):
        verbose_name = _("notification digest")
        verbose_name_plural = _("notification digests")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "recipient", "day"], name="notification_digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.day:%Y-%m-%d} · {self.count}"


class Notification(TenantOwnedModel):
    """One message in a user's inbox (站内通知), e-mailed at once or in the daily digest per ``delivery``.

    ``delivery`` is the recipient's preference when the notification was created; ``emailed_at`` and
    ``digest`` record that the e-mail went out, so a task that runs twice sends nothing twice.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True,
                           help_text=_("A path inside the platform, e.g. /orgs/reports/12/."))
    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    digest = models.ForeignKey(NotificationDigest, verbose_name=_("digest"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="notifications")
    digested_at = models.DateTimeField(_("sent in a digest at"), null=True, blank=True)

    class Meta(TenantOwnedModel.Meta):
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(fields=["tenant", "recipient"], condition=models.Q(read_at__isnull=True),
                         name="notification_unread_idx"),
            models.Index(fields=["tenant", "recipient"],
                         condition=models.Q(delivery="digest", digested_at__isnull=True),
                         name="notification_digest_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(TenantOwnedModel):
    """A user's choice for one notification kind, or for every kind (``kind`` empty) — 通知设置."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=64, blank=True, help_text=_("Empty: every kind."))
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta(TenantOwnedModel.Meta):
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "kind"], name="notification_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind or '*'} · {self.get_delivery_display()}"
