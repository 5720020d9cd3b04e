from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantManager, TenantOwnedModel, TenantQuerySet


class AppendOnlyQuerySet(TenantQuerySet):
    """Bulk UPDATE/DELETE are refused too, not only ``save()``/``delete()`` of one row."""

    def update(self, **kwargs):
        raise RuntimeError("audit events are append-only")

    def delete(self):
        raise RuntimeError("audit events are append-only")

    def _raw_delete(self, using):
        raise RuntimeError("audit events are append-only")


class AuditEventManager(TenantManager.from_queryset(AppendOnlyQuerySet)):
    """The fail-closed tenant manager, with append-only querysets."""


class UnscopedAuditEventManager(models.Manager.from_queryset(AppendOnlyQuerySet)):
    """Base manager (related access, deletion collector): append-only as well."""


class AuditEvent(TenantOwnedModel):
    """Append-only audit event (审计日志): who did what to which object, before/after, when, from where.

    Written by services in the same transaction as the change. The model refuses updates and deletes;
    on PostgreSQL the table only has SELECT and INSERT policies, so UPDATE/DELETE touch no row.
    """

    rls_commands = ("SELECT", "INSERT")

    # DO_NOTHING without a database constraint: deleting a user never rewrites history (actor_repr
    # keeps the name, actor_id the id).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.DO_NOTHING,
        related_name="+", db_constraint=False,
    )
    actor_repr = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    region_path = models.CharField(
        _("region path"), max_length=255, blank=True, db_index=True,
        help_text=_("Jurisdiction of the object, so auditors see the events of their subtree."),
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = AuditEventManager()
    unscoped = UnscopedAuditEventManager()

    class Meta(TenantOwnedModel.Meta):
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="audit_tenant_time_idx"),
            models.Index(fields=["tenant", "content_type", "object_id"], name="audit_tenant_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")
