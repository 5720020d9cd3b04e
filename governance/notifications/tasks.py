"""Notification tasks (thin: load the tenant, call one service).

They are not ``TenantTask``s on purpose: that base runs the whole task in one tenant transaction, and
these services commit once per e-mail (``tenant_context`` per row or recipient), so a failure halfway
keeps what was already sent marked as sent.
"""

from __future__ import annotations

import smtplib

from celery import shared_task


def _tenant(tenant_id: int):
    from governance.models import Tenant

    return Tenant.objects.filter(pk=tenant_id, is_active=True).first()


@shared_task(name="governance.notifications.email", autoretry_for=(smtplib.SMTPException, OSError),
             retry_backoff=30, retry_backoff_max=3600, max_retries=8)
def notification_email_task(*, tenant_id: int, notification_ids: list[int]) -> int:
    """E-mail immediate notifications (idempotent: already e-mailed rows are skipped)."""
    from governance.notifications.services import notification_emails_send

    tenant = _tenant(tenant_id)
    if tenant is None:
        return 0
    return notification_emails_send(tenant=tenant, notification_ids=notification_ids)


@shared_task(name="governance.notifications.digest")
def notification_digest_task(*, tenant_id: int, day: str | None = None) -> dict[str, int]:
    """The daily digest of one tenant (beat runs it per tenant through ``governance.for_each_tenant``)."""
    import datetime

    from governance.notifications.services import notification_digests_send

    tenant = _tenant(tenant_id)
    if tenant is None:
        return {}
    return notification_digests_send(tenant=tenant, day=datetime.date.fromisoformat(day) if day else None)
