"""Reads of the notifications: a user sees their own inbox only (another user's id is a 404)."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from governance.models import Notification, NotificationPreference
from governance.selectors import get_object_for_user_or_404


def notification_list(*, user, unread: bool | None = None, kind: str = "") -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each group."""
    if not getattr(user, "pk", None) or not getattr(user, "tenant_id", None):
        return Notification.objects.none()
    queryset = Notification.objects.filter(recipient_id=user.pk)
    if unread is True:
        queryset = queryset.filter(read_at__isnull=True)
    elif unread is False:
        queryset = queryset.filter(read_at__isnull=False)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.annotate(
        unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    ).order_by("-unread", "-created_at", "-id")


def notification_get_for_user(*, user, pk) -> Notification:
    return get_object_for_user_or_404(notification_list(user=user), pk=pk)


def unread_count(user) -> int:
    if not getattr(user, "pk", None) or not getattr(user, "tenant_id", None):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def preference_choices(user) -> dict[str, str]:
    """``{kind or "": delivery}`` the user chose (kinds left at their default are absent)."""
    return dict(NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "delivery"))
