"""Registry models in the tenant-aware admin (operators: all tenants; tenant admins: their own)."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from governance.admin_base import ReadOnlyMixin, TenantAwareAdmin
from governance.exceptions import ApplicationError
from governance.pinyin import pinyin_sort_key
from orgs import services
from orgs.models import (
    AnnualReport,
    CreditExitApplication,
    CreditRecord,
    EvaluationGrade,
    Filing,
    GradeBand,
    InspectionCampaign,
    Organization,
    OrganizationDomain,
    OrgChangeRequest,
    OrgMembership,
    PerformanceRecord,
    RegistrySettings,
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


class ParentPermissionInline(admin.TabularInline):
    """An inline is as open as its parent row's admin (tenant admins hold no Django model permissions)."""

    def _parent_allows(self, request, obj=None) -> bool:
        return self.admin_site._registry[self.parent_model].has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self._parent_allows(request, obj)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class DomainInline(ParentPermissionInline):
    model = OrganizationDomain
    extra = 0
    fields = ["domain"]



class MembershipFormSet(BaseInlineFormSet):
    """New rows are checked by the service's own rule, so a refusal shows on the form, not as a 500."""

    request = None

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk is not None and "user" in form.fields:
            form.fields["user"].disabled = True  # a membership is removed and added again, not re-pointed
        return form

    def clean(self):
        super().clean()
        for form in self.forms:
            user = form.cleaned_data.get("user") if hasattr(form, "cleaned_data") else None
            if form.instance.pk is None and user is not None and not form.cleaned_data.get("DELETE"):
                try:
                    services.membership_check(actor=self.request.user, user=user, organization=self.instance)
                except ApplicationError as exc:
                    form.add_error("user", str(exc.message))


class MembershipInline(ParentPermissionInline):
    """Memberships are added and removed through orgs.services (audited), never saved by the formset."""

    model = OrgMembership
    formset = MembershipFormSet
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "created_at"]
    readonly_fields = ["created_at"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"request": request})


class PerformanceRecordInline(ReadOnlyMixin, admin.TabularInline):
    """The performance history, read-only: records come from published evaluations, which never change."""

    model = PerformanceRecord
    extra = 0
    fields = readonly_fields = ["contract_number", "contract_title", "kind", "period", "score", "band", "satisfaction", "ratings", "published_at"]
    verbose_name_plural = PerformanceRecord._meta.verbose_name_plural

    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[self.parent_model].has_view_permission(request, obj)


@admin.register(Organization)
class OrganizationAdmin(InlineTenantMixin, TenantAwareAdmin):
    def save_formset(self, request, form, formset, change):
        if formset.model is not OrgMembership:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.membership_remove(actor=request.user, membership=membership)
        for new_form in formset.extra_forms:
            if new_form.has_changed() and not new_form.cleaned_data.get("DELETE"):
                services.membership_add(actor=request.user, user=new_form.cleaned_data["user"],
                                        organization=form.instance)
        return None

    def save_model(self, request, obj, form, change):
        obj.name_pinyin = pinyin_sort_key(obj.name)  # the lists' sort key goes with the name (as in the services)
        super().save_model(request, obj, form, change)

    list_display = ["name", "kind", "uscc", "filing_number", "status", "region", "registered_date"]
    list_filter = ["kind", "status", "party_coverage"]
    search_fields = ["name", "uscc", "filing_number", "legal_representative"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]
    readonly_fields = ["satisfaction_mean", "satisfaction_ratings", "created_at", "updated_at"]
    inlines = [DomainInline, MembershipInline, PerformanceRecordInline]
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


@admin.register(RegistrySettings)
class RegistrySettingsAdmin(TenantAwareAdmin):
    """The filing-number format (also on the tenant admin's registry settings page); the model validates it."""

    list_display = ["__str__", "filing_number_prefix", "filing_number_format", "updated_at"]

    def has_add_permission(self, request):
        # One row per tenant: a tenant admin whose tenant has its row changes that one.
        if request.user.tenant_id and RegistrySettings.unscoped.filter(tenant_id=request.user.tenant_id).exists():
            return False
        return super().has_add_permission(request)


class RefreshesListFlagsMixin:
    """Grades and credit records edited here update their organization's list columns, as the services do."""

    def save_model(self, request, obj, form, change):
        before = type(obj)._base_manager.filter(pk=obj.pk).values_list("organization_id", flat=True).first()
        super().save_model(request, obj, form, change)
        services.organization_refresh_flags(org_ids=[obj.organization_id, before])

    def delete_model(self, request, obj):
        organization_id = obj.organization_id
        super().delete_model(request, obj)
        services.organization_refresh_flags(org_ids=[organization_id])


@admin.register(EvaluationGrade)
class EvaluationGradeAdmin(RefreshesListFlagsMixin, TenantAwareAdmin):
    list_display = ["organization", "grade", "score", "awarded_date", "expires_date", "status", "expiry_flagged_on"]
    list_filter = ["grade", "status"]
    search_fields = ["organization__name"]
    raw_id_fields = ["organization", "awarded_by"]
    list_select_related = ["organization"]


@admin.register(CreditRecord)
class CreditRecordAdmin(RefreshesListFlagsMixin, TenantAwareAdmin):
    list_display = ["organization", "list_type", "reason", "source", "listed_on", "removed_on"]
    list_filter = ["list_type", "reason", "source"]
    search_fields = ["organization__name", "decision_number"]
    raw_id_fields = ["organization", "annual_report", "moved_to", "created_by", "removed_by"]
    list_select_related = ["organization"]
    date_hierarchy = "listed_on"


@admin.register(PerformanceRecord)
class PerformanceRecordAdmin(ReadOnlyMixin, TenantAwareAdmin):
    """Written by orgs.services.performance_record_add when an evaluation is published: read-only here."""

    list_display = ["organization", "contract_number", "kind", "period", "score", "band", "satisfaction", "ratings"]
    list_filter = ["kind", "band"]
    search_fields = ["organization__name", "contract_number", "contract_title"]
    list_select_related = ["organization"]
    readonly_fields = ["organization", "evaluation_id", "contract_id", *PerformanceRecordInline.fields, "recorded_at"]


@admin.register(CreditExitApplication)
class CreditExitApplicationAdmin(TenantAwareAdmin):
    """Decided in the staff page (the workflow): the status and the decision are read-only here."""

    list_display = ["organization", "record", "status", "applied_on", "decided_at"]
    list_filter = ["status"]
    search_fields = ["organization__name"]
    raw_id_fields = ["organization", "record", "applied_by", "decided_by"]
    readonly_fields = ["decided_by", "decided_at", "decision_note"]
    list_select_related = ["organization", "record"]


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

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *(["user", "organization"] if obj is not None else [])]

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)

        class MembershipForm(base):
            def clean(self_form):
                cleaned = super().clean()
                user, organization = cleaned.get("user"), cleaned.get("organization")
                if obj is None and user is not None and organization is not None:
                    try:
                        services.membership_check(actor=request.user, user=user, organization=organization)
                    except ApplicationError as exc:
                        self_form.add_error(None, str(exc.message))
                return cleaned

        return MembershipForm

    def save_model(self, request, obj, form, change):
        if not change:  # through the service (audited as membership.add); a change form edits nothing
            obj.pk = services.membership_add(actor=request.user, user=obj.user, organization=obj.organization).pk

    def delete_model(self, request, obj):
        services.membership_remove(actor=request.user, membership=obj)
