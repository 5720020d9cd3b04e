"""Tenant-aware Django admin.

Platform operators (superusers without a tenant) see every tenant through the explicit cross-tenant
scope that ``TenantMiddleware`` activates under /admin/. Tenant administrators see and edit only their
own tenant: the fail-closed manager already filters every queryset, this mixin adds the permission
rules, hides the tenant field from them, and answers 404 (not a redirect) for another tenant's object.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from governance.models import Tenant
from governance.models.accounts import Role
from governance.selectors import user_roles
from governance.tenancy import TenantOwnedModel


def is_tenant_admin(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.tenant_id and Role.TENANT_ADMIN in user_roles(user))


class TenantAdminSite(admin.AdminSite):
    site_header = "社区治理综合管理平台"
    site_title = "社区治理综合管理平台"
    index_title = _("Administration")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and (user.is_superuser or is_tenant_admin(request)))


class AuditedAdminMixin:
    """Admin changes write audit events too (the admin wraps each change in one transaction)."""

    def audit_fields(self):
        return None

    def save_model(self, request, obj, form, change):
        from governance.audit import audit_record, diff, snapshot

        before = {}
        if change and obj.pk is not None:
            previous = type(obj)._base_manager.filter(pk=obj.pk).first()
            before = snapshot(previous, self.audit_fields()) if previous is not None else {}
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj, self.audit_fields()))
        if changes and getattr(obj, "tenant_id", None):
            action = f"{obj._meta.model_name}.admin_{'change' if change else 'add'}"
            audit_record(actor=request.user, action=action, obj=obj, changes=changes)

    def delete_model(self, request, obj):
        from governance.audit import audit_record, snapshot

        if getattr(obj, "tenant_id", None):
            audit_record(actor=request.user, action=f"{obj._meta.model_name}.admin_delete", obj=obj,
                         changes=snapshot(obj, self.audit_fields()))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class OperatorTenantFormMixin:
    """The operator's add form: every related row chosen must belong to the chosen tenant."""

    def clean(self):
        cleaned = super().clean()
        tenant = cleaned.get("tenant")
        if tenant is not None:
            for name, value in list(cleaned.items()):
                if name != "tenant" and hasattr(value, "tenant_id") and value.tenant_id != tenant.pk:
                    self.add_error(name, _("This belongs to another tenant."))
        return cleaned


class TenantAwareAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Base ModelAdmin of every tenant-owned model."""

    def _allowed(self, request, obj=None) -> bool:
        if request.user.is_superuser and request.user.tenant_id is None:
            return True
        if not is_tenant_admin(request):
            return False
        if obj is not None and getattr(obj, "tenant_id", None) not in (None, request.user.tenant_id):
            return False
        return issubclass(self.model, TenantOwnedModel)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def get_list_display(self, request):
        display = list(super().get_list_display(request))
        if request.user.is_superuser and request.user.tenant_id is None and "tenant" not in display:
            display.append("tenant")
        return display

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if request.user.is_superuser and request.user.tenant_id is None and "tenant" not in filters:
            filters.insert(0, "tenant")
        return filters

    def get_form(self, request, obj=None, change=False, **kwargs):
        operator_add = request.user.is_superuser and request.user.tenant_id is None and obj is None
        if operator_add:
            # ``tenant`` is not editable, so the model form must not list it (FieldError); it is added
            # below as a plain form field instead.
            # (``fields=None`` comes from get_fieldsets() itself: all editable fields, tenant excluded.)
            fields = kwargs["fields"] if "fields" in kwargs else flatten_fieldsets(self.get_fieldsets(request, obj))
            kwargs["fields"] = None if fields is None else [name for name in fields if name != "tenant"]
        form = super().get_form(request, obj, change=change, **kwargs)
        if operator_add:
            # The operator picks the tenant of a new row; tenant admins never see the field.
            form = type(form.__name__, (OperatorTenantFormMixin, form), {
                "tenant": forms.ModelChoiceField(queryset=Tenant.objects.all(), label=_("tenant")),
            })
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser and request.user.tenant_id is None and obj is None:
            first_name, first = fieldsets[0]
            fields = list(first.get("fields", []))
            if "tenant" not in fields:
                fieldsets = [(first_name, {**first, "fields": ["tenant", *fields]}), *fieldsets[1:]]
        return fieldsets

    def save_model(self, request, obj, form, change):
        if not change and "tenant" in form.cleaned_data:
            obj.tenant = form.cleaned_data["tenant"]
        super().save_model(request, obj, form, change)

    def _object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("Not found."))
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)
