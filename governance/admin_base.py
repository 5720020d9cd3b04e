"""Tenant-aware Django admin.

Platform operators (superusers without a tenant) see every tenant through the explicit cross-tenant
scope that ``TenantMiddleware`` activates under /admin/. Tenant administrators see and edit only their
own tenant: the fail-closed manager already filters every queryset, this mixin adds the permission
rules, hides the tenant field from them, and answers 404 (not a redirect) for another tenant's object.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from governance.models import Tenant
from governance.models.accounts import Role
from governance.selectors import user_roles
from governance.tenancy import TenantOwnedModel, get_current_tenant_id


def is_tenant_admin(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.tenant_id and Role.TENANT_ADMIN in user_roles(user))


def is_operator(request) -> bool:
    """A platform operator: a superuser outside every tenant, who works across tenants."""
    return bool(request.user.is_superuser and request.user.tenant_id is None)


def tenant_column(model) -> str | None:
    """The lookup that ties ``model``'s rows to a tenant, or None for a model outside tenancy.

    Tenant-owned rows and users have a ``tenant`` foreign key; the Tenant itself is matched by key.
    """
    if model is Tenant:
        return "pk"
    try:
        field = model._meta.get_field("tenant")
    except FieldDoesNotExist:
        return None
    return "tenant_id" if field.is_relation and field.related_model is Tenant else None


def scope_to_request_tenant(request, queryset):
    """``queryset`` limited to the rows of the admin user's tenant (the operator keeps every row).

    The fail-closed manager already scopes tenant-owned rows, but users (and tenants) are not
    tenant-owned, so without this a tenant admin could pick, and read the name of, anyone.
    """
    column = tenant_column(queryset.model)
    if column is None or is_operator(request):
        return queryset
    if request.user.tenant_id is None:
        return queryset.none()
    return queryset.filter(**{column: request.user.tenant_id})


class ScopedForeignKeyRawIdWidget(widgets.ForeignKeyRawIdWidget):
    """A raw-id input whose label is looked up in the field's (tenant-scoped) queryset.

    Django's widget reads ``_default_manager``, so typing another tenant's user id displayed the name.
    """

    def __init__(self, rel, admin_site, attrs=None, using=None, *, queryset):
        super().__init__(rel, admin_site, attrs=attrs, using=using)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            if not self.queryset.filter(**{key: value}).exists():
                return "", ""
        except (ValueError, TypeError, forms.ValidationError):
            return "", ""
        return super().label_and_url_for_value(value)


class ScopedManyToManyRawIdWidget(widgets.ManyToManyRawIdWidget):
    """Django's M2M raw-id widget shows no labels; kept as a distinct class for symmetry of checks."""

    def __init__(self, rel, admin_site, attrs=None, using=None, *, queryset):
        super().__init__(rel, admin_site, attrs=attrs, using=using)
        self.queryset = queryset


class TenantScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A changelist filter on a relation that lists only the tenant's rows (Django's lists every row)."""

    def field_choices(self, field, request, model_admin):
        queryset = scope_to_request_tenant(request, field.related_model._default_manager.all())
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        to_field = field.remote_field.get_related_field().attname
        return [(getattr(row, to_field), str(row)) for row in queryset]


class TenantScopedRelationsMixin:
    """Every foreign key and many-to-many of an admin form (its inlines too) offers, accepts and
    displays only the admin user's tenant's rows and users: choices, raw-id inputs and their labels,
    autocomplete results and form validation all read one scoped queryset.

    The related model's own admin (the raw-id popup changelist, autocomplete) is scoped by its
    ``get_queryset``/``get_search_results``; the operator keeps every tenant.
    """

    def _scoped_related_queryset(self, db_field, request, kwargs):
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(kwargs.get("using"))
        return scope_to_request_tenant(request, queryset)

    def _scope_formfield_kwargs(self, db_field, request, kwargs, raw_id_widget):
        if tenant_column(db_field.remote_field.model) is None:
            return kwargs
        kwargs["queryset"] = self._scoped_related_queryset(db_field, request, kwargs)
        if "widget" not in kwargs and db_field.name in self.raw_id_fields \
                and db_field.name not in self.get_autocomplete_fields(request):
            kwargs["widget"] = raw_id_widget(db_field.remote_field, self.admin_site, using=kwargs.get("using"),
                                             queryset=kwargs["queryset"])
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scope_formfield_kwargs(db_field, request, kwargs, ScopedForeignKeyRawIdWidget)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._scope_formfield_kwargs(db_field, request, kwargs, ScopedManyToManyRawIdWidget)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        # A filter named by a relation to tenant-bound rows lists only the tenant's (the operator: all).
        filters = []
        for entry in super().get_list_filter(request):
            field = None
            if isinstance(entry, str) and "__" not in entry:
                try:
                    field = self.model._meta.get_field(entry)
                except FieldDoesNotExist:
                    field = None
            related = field is not None and field.is_relation and tenant_column(field.related_model) is not None
            filters.append((entry, TenantScopedRelatedFilter) if related else entry)
        return filters

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete and the changelist search both come through here.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return scope_to_request_tenant(request, queryset), may_have_duplicates

    def get_formset(self, request, obj=None, **kwargs):
        # Inlines only (a ModelAdmin has no get_formset): a tenant-owned child row takes its parent's tenant
        # before validation, so a duplicate of a constraint naming ``tenant`` is a form error, not a 500.
        formset = super().get_formset(request, obj, **kwargs)
        if not issubclass(self.model, TenantOwnedModel):
            return formset
        form = type(formset.form.__name__, (TenantConstraintsFormMixin, formset.form), {})
        return type(formset.__name__, (TenantInlineFormSetMixin, formset), {"form": form})

    def get_inline_instances(self, request, obj=None):
        # Inlines are scoped too, including those a future app declares on a plain InlineModelAdmin.
        instances = super().get_inline_instances(request, obj)
        for inline in instances:
            if not isinstance(inline, TenantScopedRelationsMixin):
                inline.__class__ = _scoped_inline_class(type(inline))
        return instances


_SCOPED_INLINES: dict[type, type] = {}


def _scoped_inline_class(inline_class: type) -> type:
    if inline_class not in _SCOPED_INLINES:
        _SCOPED_INLINES[inline_class] = type(inline_class.__name__, (TenantScopedRelationsMixin, inline_class), {
            "__module__": inline_class.__module__, "__qualname__": inline_class.__qualname__,
        })
    return _SCOPED_INLINES[inline_class]


class ReadOnlyMixin:
    """For an admin or an inline of records that only a service writes (shown, never added, changed or deleted)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    """The operator's forms: every related row chosen must belong to the row's tenant (the one chosen
    on an add form, the row's own on a change form, where only changed fields are checked so that
    rows the operator created, with no tenant, stay editable)."""

    def clean(self):
        cleaned = super().clean()
        tenant = cleaned.get("tenant")
        tenant_id = tenant.pk if tenant is not None else getattr(self.instance, "tenant_id", None)
        if tenant_id is None:
            return cleaned
        names = [name for name in cleaned if name != "tenant"]
        if tenant is None:
            names = [name for name in names if name in self.changed_data]
        for name in names:
            value = cleaned.get(name)
            related = list(value) if hasattr(value, "model") and hasattr(value, "filter") else [value]
            if any(hasattr(row, "tenant_id") and row.tenant_id != tenant_id for row in related):
                self.add_error(name, _("This belongs to another tenant."))
        return cleaned


class TenantConstraintsFormMixin:
    """Validate the model's unique constraints that name ``tenant`` on the form, as every other constraint.

    The admin form never lists ``tenant`` (it is set from the request's tenant, or chosen by the operator), and
    Django skips the constraints naming a field left out of the form, so a duplicate such as the same expert
    twice in a pool reached the database and answered 500. With the row's tenant known before validation the
    form shows the translated "... already exists" instead, and saves nothing.
    """

    def _post_clean(self):
        if getattr(self.instance, "tenant_id", None) is None:
            chosen = (getattr(self, "cleaned_data", None) or {}).get("tenant")
            tenant_id = chosen.pk if chosen is not None else get_current_tenant_id()
            if tenant_id is not None:
                self.instance.tenant_id = tenant_id
        super()._post_clean()

    def _get_validation_exclusions(self):
        excluded = super()._get_validation_exclusions()
        if getattr(self.instance, "tenant_id", None) is not None:
            excluded.discard("tenant")
        return excluded


class TenantInlineFormSetMixin:
    """An inline formset whose new rows carry the parent's tenant from the start (see ``get_formset``)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        parent_tenant = getattr(self.instance, "tenant_id", None)
        if getattr(form.instance, "tenant_id", None) is None and parent_tenant is not None:
            form.instance.tenant_id = parent_tenant
        return form


class TenantAwareAdmin(TenantScopedRelationsMixin, AuditedAdminMixin, admin.ModelAdmin):
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
        elif is_operator(request):
            form = type(form.__name__, (OperatorTenantFormMixin, form), {})
        return type(form.__name__, (TenantConstraintsFormMixin, form), {})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser and request.user.tenant_id is None and obj is None:
            first_name, first = fieldsets[0]
            fields = list(first.get("fields", []))
            if "tenant" not in fields:
                fieldsets = [(first_name, {**first, "fields": ["tenant", *fields]}), *fieldsets[1:]]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        # A workflow's status moves only through its transitions (governance.workflows), never by hand.
        from governance.workflows import workflows_for

        fields = list(super().get_readonly_fields(request, obj))
        return fields + [wf.field for wf in workflows_for(self.model) if wf.field not in fields]

    def save_model(self, request, obj, form, change):
        if not change and "tenant" in form.cleaned_data:
            obj.tenant = form.cleaned_data["tenant"]
        super().save_model(request, obj, form, change)
        if not change:
            from governance.workflows import workflows_for

            for workflow in workflows_for(self.model):  # the first row of the new object's history
                workflow.start(obj=obj, actor=request.user)

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
