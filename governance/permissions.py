"""Small permission predicates (Hypha projects/permissions.py style)."""

from governance.models.accounts import Role
from governance.selectors import user_roles


def has_role(user, *roles: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user_roles(user) & set(roles))


def is_staff_user(user) -> bool:
    return has_role(user, Role.TENANT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER)


def can_view_audit_log(user) -> bool:
    return has_role(user, Role.TENANT_ADMIN, Role.AUDITOR)


def can_see_personal_data_in_audit(user) -> bool:
    """Phones and ID numbers inside audit events in full: tenant administrators and operators; read-only
    readers of the log (auditors) see them masked."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.TENANT_ADMIN)


def can_manage_regions(user) -> bool:
    return has_role(user, Role.TENANT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF)


def can_manage_roles(user) -> bool:
    return has_role(user, Role.TENANT_ADMIN)
