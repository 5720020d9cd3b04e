"""Registry models in the tenant-aware admin (operators: all tenants; tenant admins: their own)."""

from django.contrib import admin

from governance.admin_base import TenantAwareAdmin
from orgs.models import (
    AnnualReport,
    CreditRecord,
    EvaluationGrade,
    Filing,
    GradeBand,
    InspectionCampaign,
    Organization,
    OrganizationDomain,
    OrgChangeRequest,
    OrgMembership,
    ReportAttachment,
)


class InlineTenantMixin:
    """Inline rows belong to the parent row's tenant (the operator works across tenants)."""

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            instance.tenant_id = form.instance.tenant_id
            instance.save()
        formset.save_m2m()


class DomainInline(admin.TabularInline):
    model = OrganizationDomain
    extra = 0
    fields = ["domain"]



class MembershipInline(admin.TabularInline):
    model = OrgMembership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Organization)
class OrganizationAdmin(InlineTenantMixin, TenantAwareAdmin):
    list_display = ["name", "kind", "uscc", "filing_number", "status", "region", "registered_date"]
    list_filter = ["kind", "status", "party_coverage"]
    search_fields = ["name", "uscc", "filing_number", "legal_representative"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [DomainInline, MembershipInline]
    show_full_result_count = False



@admin.register(Filing)
class FilingAdmin(TenantAwareAdmin):
    list_display = ["organization", "status", "submitted_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["organization__name"]
    raw_id_fields = ["organization", "submitted_by"]
    list_select_related = ["organization"]


@admin.register(InspectionCampaign)
class CampaignAdmin(TenantAwareAdmin):
    list_display = ["year", "due_date", "opened_at"]
    raw_id_fields = ["opened_by"]


class AttachmentInline(admin.TabularInline):
    model = ReportAttachment
    extra = 0
    fields = ["name", "file", "uploaded_at"]
    readonly_fields = ["uploaded_at"]


@admin.register(AnnualReport)
class AnnualReportAdmin(InlineTenantMixin, TenantAwareAdmin):
    list_display = ["organization", "year", "status", "conclusion", "due_date", "submitted_at"]
    list_filter = ["year", "status", "conclusion"]
    search_fields = ["organization__name", "organization__uscc"]
    raw_id_fields = ["organization", "campaign", "submitted_by", "reviewed_by"]
    list_select_related = ["organization"]
    inlines = [AttachmentInline]



@admin.register(GradeBand)
class GradeBandAdmin(TenantAwareAdmin):
    list_display = ["grade", "min_score"]


@admin.register(EvaluationGrade)
class EvaluationGradeAdmin(TenantAwareAdmin):
    list_display = ["organization", "grade", "score", "awarded_date", "expires_date", "status", "expiry_flagged_on"]
    list_filter = ["grade", "status"]
    search_fields = ["organization__name"]
    raw_id_fields = ["organization", "awarded_by"]
    list_select_related = ["organization"]


@admin.register(CreditRecord)
class CreditRecordAdmin(TenantAwareAdmin):
    list_display = ["organization", "list_type", "reason", "source", "listed_on", "removed_on"]
    list_filter = ["list_type", "reason", "source"]
    search_fields = ["organization__name", "decision_number"]
    raw_id_fields = ["organization", "annual_report", "moved_to", "created_by", "removed_by"]
    list_select_related = ["organization"]
    date_hierarchy = "listed_on"


@admin.register(OrgChangeRequest)
class ChangeRequestAdmin(TenantAwareAdmin):
    list_display = ["organization", "status", "requested_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["organization", "requested_by", "decided_by"]
    list_select_related = ["organization"]


@admin.register(OrgMembership)
class MembershipAdmin(TenantAwareAdmin):
    list_display = ["user", "organization", "created_at"]
    raw_id_fields = ["user", "organization"]
    search_fields = ["user__username", "organization__name"]
    list_select_related = ["user", "organization"]
