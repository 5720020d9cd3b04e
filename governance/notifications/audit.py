"""Audit actions of the notifications (registered in ``GovernanceConfig.ready``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationAudit(models.TextChoices):
    PREFERENCES_UPDATE = "notification_preference.update", _("Change notification settings")
