"""Progress reports and tranche payments in the tenant-aware admin: read-only (written only by the services,
which audit them and run the workflow); the tenant's report settings are edited here."""

from django.contrib import admin

from governance.admin_base import TenantAwareAdmin
from projects.admin import ReadOnlyRecordAdmin
from projects.models.reports import (
    IndicatorActual,
    ProgressReport,
    ReportExpenditure,
    ReportSettings,
    TranchePayment,
)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ActualInline(_ReadOnlyInline):
    model = IndicatorActual
    fields = readonly_fields = ["indicator", "value", "numerator", "denominator", "narrative"]


class ExpenditureInline(_ReadOnlyInline):
    model = ReportExpenditure
    fields = readonly_fields = ["budget_line", "amount", "description"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyRecordAdmin):
    list_display = ["contract", "sequence", "kind", "due_date", "status", "overdue"]
    list_filter = ["status", "kind", "overdue"]
    search_fields = ["contract__number", "contract__title", "contract__organization__name"]
    list_select_related = ["contract"]
    inlines = [ActualInline, ExpenditureInline]


@admin.register(TranchePayment)
class TranchePaymentAdmin(ReadOnlyRecordAdmin):
    list_display = ["contract", "tranche", "date", "amount", "payer_name", "payee_name"]
    search_fields = ["contract__number", "payee_name"]
    list_select_related = ["contract", "tranche"]


@admin.register(ReportSettings)
class ReportSettingsAdmin(TenantAwareAdmin):
    list_display = ["__str__", "period_months", "due_days", "remind_days_before", "remind_days_after",
                    "overhead_max_share"]
