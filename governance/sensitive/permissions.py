"""Who may see a sensitive field in full: the app's predicate, never across tenants, never by default."""

from __future__ import annotations

from governance.sensitive.fields import SensitiveField


def sensitive_field_of(obj, field: str) -> SensitiveField:
    model_field = obj._meta.get_field(field)
    if not isinstance(model_field, SensitiveField):
        raise ValueError(f"{obj._meta.label}.{field} is not a SensitiveField")
    return model_field


def can_reveal_sensitive(user, obj, field: str) -> bool:
    """The field's ``can_reveal(user, obj)``, for a signed-in active user of the object's tenant.

    A field without ``can_reveal`` is revealed to nobody; the platform operator (no tenant) never is.
    """
    predicate = sensitive_field_of(obj, field).can_reveal
    if predicate is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    tenant_id = getattr(obj, "tenant_id", None)
    if tenant_id is None or getattr(user, "tenant_id", None) != tenant_id:
        return False
    return bool(predicate(user, obj))
