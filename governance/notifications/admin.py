"""Tenant-aware admin of the notifications: read-only rows (they are written by ``notify()``), editable
preferences (audited like every admin change)."""

from django.contrib import admin

from governance.admin_base import TenantAwareAdmin
from governance.models import Notification, NotificationDigest, NotificationPreference


class ReadOnlyAdmin(TenantAwareAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "delivery", "read_at", "emailed_at", "digested_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["title", "recipient__username", "recipient__display_name"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "digest"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(NotificationDigest)
class NotificationDigestAdmin(ReadOnlyAdmin):
    list_display = ["day", "recipient", "count", "sent_at"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "day"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(TenantAwareAdmin):
    list_display = ["user", "kind", "delivery", "updated_at"]
    list_filter = ["delivery"]
    search_fields = ["user__username", "kind"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
