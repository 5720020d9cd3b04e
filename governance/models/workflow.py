from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel


class StatusChange(TenantOwnedModel):
    """One row per workflow transition (状态变更记录), for every app's state machine."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.PROTECT,
                                     related_name="+")
    object_id = models.CharField(_("object id"), max_length=64)
    workflow = models.CharField(_("workflow"), max_length=64)
    from_status = models.CharField(_("from"), max_length=32)
    to_status = models.CharField(_("to"), max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["tenant", "content_type", "object_id"], name="status_change_object_idx")]

    def __str__(self) -> str:
        return f"{self.workflow}: {self.from_status} → {self.to_status}"
