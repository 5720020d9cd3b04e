"""Renewal reviews and reminders in the tenant-aware admin: read-only (written only by the scan and the decision
service, which audit them and run the workflow); the tenant's renewal settings are edited here."""

from django.contrib import admin

from governance.admin_base import TenantAwareAdmin
from projects.admin import ReadOnlyRecordAdmin
from projects.models.renewals import ContractReminder, RenewalReview, RenewalSettings


@admin.register(RenewalReview)
class RenewalReviewAdmin(ReadOnlyRecordAdmin):
    list_display = ["contract", "recommendation", "status", "computed_at", "decided_at"]
    list_filter = ["status", "recommendation"]
    search_fields = ["contract__number", "contract__title", "contract__organization__name"]
    list_select_related = ["contract"]


@admin.register(ContractReminder)
class ContractReminderAdmin(ReadOnlyRecordAdmin):
    list_display = ["contract", "kind", "key", "sent_on"]
    list_filter = ["kind"]
    search_fields = ["contract__number"]
    list_select_related = ["contract"]


@admin.register(RenewalSettings)
class RenewalSettingsAdmin(TenantAwareAdmin):
    list_display = ["__str__", "window_days", "remind_days_before_end"]
