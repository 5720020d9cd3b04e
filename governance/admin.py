from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from governance import services
from governance.admin_base import (
    AuditedAdminMixin,
    TenantAwareAdmin,
    TenantScopedRelationsMixin,
    is_tenant_admin,
)
from governance.exceptions import ApplicationError
from governance.models import AuditEvent, ImportJob, Region, RoleAssignment, Tenant, User


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "root_code", "is_active", "created_at"]
    search_fields = ["name", "slug", "root_code"]
    list_filter = ["is_active"]


class RegionAdminForm(forms.ModelForm):
    """A new node is checked and placed (path, depth, normalized code) by the region service's rules."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not self.errors:
            parent = cleaned.get("parent")
            if parent is None:
                self.add_error("parent", _("A new region needs a parent; tenant roots are created with the tenant."))
                return cleaned
            try:
                self.built = services.region_build(parent=parent, level=cleaned["level"], code=cleaned["code"],
                                                   name=cleaned["name"])
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from exc
        return cleaned


@admin.register(Region)
class RegionAdmin(TenantAwareAdmin):
    form = RegionAdminForm
    list_display = ["name", "level", "code", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    list_select_related = ["parent"]
    ordering = ["path"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # Codes and parents are official data: they change only through a division reload.
        return [*self.readonly_fields, "parent", "level", "code"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            built = form.built
            obj.tenant_id = built.tenant_id
            obj.code, obj.name, obj.path, obj.depth = built.code, built.name, built.path, built.depth
        super().save_model(request, obj, form, change)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["region"]
    fk_name = "user"

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser or is_tenant_admin(request)

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission

    def has_view_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(TenantAwareAdmin):
    list_display = ["user", "role", "region", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "region__name", "region__code"]
    raw_id_fields = ["user", "region"]
    list_select_related = ["user", "region"]


@admin.register(AuditEvent)
class AuditEventAdmin(TenantAwareAdmin):
    list_display = ["created_at", "actor_repr", "action", "content_type", "object_repr", "ip_address"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_repr", "object_repr", "request_id", "action"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(TenantAwareAdmin):
    list_display = ["original_name", "importer", "status", "total_rows", "imported_rows", "error_count", "created_at"]
    list_filter = ["importer", "status"]
    readonly_fields = ["importer", "status", "total_rows", "processed_rows", "imported_rows", "skipped_rows",
                       "error_count", "errors", "imported_ids", "started_at", "finished_at"]
    raw_id_fields = ["created_by"]

    def has_add_permission(self, request):
        return False  # imports run through the import pages so they are validated and queued


@admin.register(User)
class UserAdmin(TenantScopedRelationsMixin, AuditedAdminMixin, BaseUserAdmin):
    """Users; their roles are edited inline and saved through the role services (validated, audited)."""

    list_display = ["username", "display_name", "tenant", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "tenant"]
    search_fields = ["username", "display_name", "email", "phone"]
    inlines = [RoleInline]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Tenant"), {"fields": ["tenant", "display_name", "phone"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2", "tenant", "display_name"]}),
    ]

    def _operator(self, request) -> bool:
        return request.user.is_superuser and request.user.tenant_id is None

    def has_module_permission(self, request):
        return self._operator(request) or is_tenant_admin(request)

    def has_view_permission(self, request, obj=None):
        if self._operator(request):
            return True
        return is_tenant_admin(request) and (obj is None or obj.tenant_id == request.user.tenant_id)

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request):
        return self._operator(request) or is_tenant_admin(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("tenant")
        if self._operator(request):
            return queryset
        return queryset.filter(tenant_id=request.user.tenant_id)

    def get_readonly_fields(self, request, obj=None):
        if self._operator(request):
            return ["last_login", "date_joined"]
        return ["tenant", "is_superuser", "user_permissions", "groups", "last_login", "date_joined"]

    def get_list_filter(self, request):
        return ["is_active", "is_staff", "tenant"] if self._operator(request) else ["is_active", "is_staff"]

    def save_model(self, request, obj, form, change):
        if not self._operator(request):
            obj.tenant_id = request.user.tenant_id
            obj.is_superuser = False
        super().save_model(request, obj, form, change)

    def audit_fields(self):
        return ["username", "display_name", "email", "phone", "tenant", "is_active", "is_staff", "is_superuser"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        # Role changes are the most sensitive admin edits: route them through the services, which audit them
        # (a plain formset.save() wrote no audit event, and had no tenant under the operator's scope).
        formset.save(commit=False)
        for assignment in formset.deleted_objects:
            services.role_revoke(actor=request.user, assignment=assignment)
        for assignment, _fields in formset.changed_objects:
            services.role_revoke(actor=request.user, assignment=RoleAssignment.unscoped.get(pk=assignment.pk))
            services.role_assign(actor=request.user, user=form.instance, region=assignment.region,
                                 role=assignment.role)
        for assignment in formset.new_objects:
            services.role_assign(actor=request.user, user=form.instance, region=assignment.region,
                                 role=assignment.role)

    def _object_or_404(self, request, object_id):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(_("Not found."))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        # Django's default answers a redirect for a missing object; another tenant's user is a 404.
        self._object_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)


# The notification models are registered next to their package (same admin site).
from governance.notifications import admin as _notifications_admin  # noqa: E402,F401
