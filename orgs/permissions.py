"""Permission predicates of the registry (Hypha projects/permissions.py style).

Each predicate is ``(user, obj=None) -> bool``. Jurisdiction means: the object's region lies in the
subtree of a region where the user holds one of the named roles (``governance.selectors``), in the
active tenant. Organization users (role ``org_user``) act only for organizations they are members of.
Views and the API check these before calling a service; services and workflows check them again.
"""

from __future__ import annotations

from collections.abc import Iterable

from governance.models.accounts import Role
from governance.selectors import user_region_paths, user_roles
from governance.tenancy import get_current_tenant_id
from orgs.models import OrgKind, ReportStatus

# Roles that see organizations of their subtree. Grid workers and auditors only read; Party officers
# read the registry of their subtree because Party coverage is recorded per organization.
VIEW_ROLES = frozenset({
    Role.TENANT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.AUDITOR,
    Role.PARTY_OFFICER,
})
# Staff roles that maintain the registry of their subtree.
EDIT_ROLES = frozenset({Role.TENANT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF})
# Street-level decisions (status, approvals, grades, credit lists).
STREET_ROLES = frozenset({Role.TENANT_ADMIN, Role.STREET_STAFF})
# Everyone who uses the registry's workflow pages: staff of a subtree and organization users (own rows only).
REGISTRY_USER_ROLES = VIEW_ROLES | {Role.ORG_USER}
# The registration authority (登记管理机关, the tenant's civil-affairs bureau): registered organizations'
# status and key data (issue 7 item 11). Streets keep the filed community groups.
AUTHORITY_ROLES = frozenset({Role.TENANT_ADMIN})

_MEMBERSHIP_CACHE_ATTR = "_orgs_membership_cache"


def _roles(user) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return user_roles(user)


def has_any_role(user, roles: Iterable[str]) -> bool:
    return bool(_roles(user) & set(roles))


def region_in_jurisdiction(user, region, roles: Iterable[str]) -> bool:
    """True when ``region`` lies in a subtree where ``user`` holds one of ``roles``."""
    if region is None or not _roles(user):
        return False
    if region.tenant_id != user.tenant_id:
        return False
    return any(region.path.startswith(path) for path in user_region_paths(user, roles))


def member_organization_ids(user) -> frozenset[int]:
    """Ids of the organizations the user acts for (cached on the user object per tenant)."""
    from orgs.models import OrgMembership

    tenant_id = get_current_tenant_id()
    cache = getattr(user, _MEMBERSHIP_CACHE_ATTR, None)
    if cache is not None and cache[0] == tenant_id:
        return cache[1]
    ids: frozenset[int] = frozenset()
    if tenant_id is not None and getattr(user, "pk", None) and user.tenant_id == tenant_id:
        ids = frozenset(OrgMembership.objects.filter(user_id=user.pk).values_list("organization_id", flat=True))
    setattr(user, _MEMBERSHIP_CACHE_ATTR, (tenant_id, ids))
    return ids


def forget_memberships(user) -> None:
    if hasattr(user, _MEMBERSHIP_CACHE_ATTR):
        delattr(user, _MEMBERSHIP_CACHE_ATTR)


def is_org_user(user, obj=None) -> bool:
    return Role.ORG_USER in _roles(user)


def is_member(user, organization) -> bool:
    """An organization user acting for ``organization``."""
    return (organization is not None and is_org_user(user)
            and organization.tenant_id == user.tenant_id and organization.pk in member_organization_ids(user))


# --- organizations ---------------------------------------------------------------------------


def can_view_org(user, org=None) -> bool:
    return org is not None and (region_in_jurisdiction(user, org.region, VIEW_ROLES) or is_member(user, org))


def can_create_org(user, obj=None) -> bool:
    return has_any_role(user, EDIT_ROLES)


def can_edit_org(user, org=None) -> bool:
    return org is not None and region_in_jurisdiction(user, org.region, EDIT_ROLES)


def is_registered(org) -> bool:
    """A registered organization (association, service institution, foundation; it has a credit code),
    as opposed to a community group filed (备案) with its street."""
    return org is not None and org.kind != OrgKind.COMMUNITY_GROUP


def status_roles(*, registered: bool) -> frozenset[str]:
    """Who decides the status: the street for a community group, the registration authority otherwise."""
    return AUTHORITY_ROLES if registered else STREET_ROLES


def key_data_roles(*, registered: bool) -> frozenset[str]:
    """Who changes (or approves changes of) the key data — name, credit code, kind, region…"""
    return AUTHORITY_ROLES if registered else EDIT_ROLES


def can_change_org_status(user, org=None) -> bool:
    """Status of a filed community group: street staff of its street. Of a registered organization
    (association, service institution, foundation): the registration authority (民政局, tenant admin)."""
    return org is not None and region_in_jurisdiction(user, org.region, status_roles(registered=is_registered(org)))


def can_change_key_data(user, org=None) -> bool:
    """Change the key data (``KEY_DATA_FIELDS`` of orgs.services) of ``org`` directly."""
    return org is not None and region_in_jurisdiction(user, org.region,
                                                      key_data_roles(registered=is_registered(org)))


def can_see_contact_phone(user, org=None) -> bool:
    """Contact phones in full: staff who maintain the organization and its own users. Read-only roles
    (auditor, grid worker, Party officer) see them masked (``contact_phone_for``)."""
    return org is not None and (can_edit_org(user, org) or is_member(user, org))


def contact_phone_for(user, org) -> str:
    """The organization's contact phone as ``user`` may see it: in full, or masked as ``138****5678``."""
    from governance.sensitive import mask_value

    phone = getattr(org, "contact_phone", "") or ""
    if not phone or can_see_contact_phone(user, org):
        return phone
    return mask_value(phone, "phone")


def contact_phone_masker(user):
    """``shown(phone, *, region_path, organization_id)`` for rows read without model instances (list APIs
    reading ``.values()``): the same rule as ``contact_phone_for``, the user's paths and memberships read once."""
    from governance.sensitive import mask_value

    edit_paths = tuple(user_region_paths(user, EDIT_ROLES)) if _roles(user) else ()
    members = member_organization_ids(user) if is_org_user(user) else frozenset()

    def shown(phone, *, region_path: str, organization_id: int) -> str:
        if not phone or organization_id in members or region_path.startswith(edit_paths):
            return phone or ""
        return mask_value(phone, "phone")

    return shown


def can_import_orgs(user, obj=None) -> bool:
    return has_any_role(user, EDIT_ROLES)


def can_set_party_coverage(user, org=None) -> bool:
    return org is not None and region_in_jurisdiction(user, org.region, EDIT_ROLES | {Role.PARTY_OFFICER})


def can_manage_memberships(user, org=None) -> bool:
    return org is not None and region_in_jurisdiction(user, org.region, EDIT_ROLES)


# --- filings ---------------------------------------------------------------------------------


def can_submit_filing(user, obj=None) -> bool:
    return has_any_role(user, EDIT_ROLES | {Role.ORG_USER})


def can_review_filing_as_community(user, filing=None) -> bool:
    return filing is not None and region_in_jurisdiction(
        user, filing.organization.region, {Role.COMMUNITY_STAFF, Role.TENANT_ADMIN}
    )


def can_decide_filing_of(user, org=None) -> bool:
    """Move a pending organization by the decision on its filing (community or street reviewers)."""
    return org is not None and region_in_jurisdiction(user, org.region, STREET_ROLES | {Role.COMMUNITY_STAFF})


def can_approve_filing_as_street(user, filing=None) -> bool:
    return filing is not None and region_in_jurisdiction(user, filing.organization.region, STREET_ROLES)


# --- annual reports --------------------------------------------------------------------------


def can_open_campaign(user, obj=None) -> bool:
    return has_any_role(user, STREET_ROLES)


def can_edit_report(user, report=None) -> bool:
    if report is None or report.status not in (ReportStatus.OPEN, ReportStatus.RETURNED):
        return False
    org = report.organization
    return is_member(user, org) or region_in_jurisdiction(user, org.region, EDIT_ROLES)


def can_review_report(user, report=None) -> bool:
    return report is not None and region_in_jurisdiction(user, report.organization.region, EDIT_ROLES)


# --- grades and credit -----------------------------------------------------------------------


def can_configure_registry(user, obj=None) -> bool:
    """The registry settings of the tenant (filing-number format): the tenant administrator."""
    return has_any_role(user, AUTHORITY_ROLES)


def can_configure_grades(user, obj=None) -> bool:
    return has_any_role(user, {Role.TENANT_ADMIN})


def can_award_grade(user, org=None) -> bool:
    return org is not None and region_in_jurisdiction(user, org.region, STREET_ROLES)


def can_manage_credit(user, org=None) -> bool:
    return org is not None and region_in_jurisdiction(user, org.region, STREET_ROLES)


def can_apply_rectification(user, record=None) -> bool:
    if record is None:
        return False
    org = record.organization
    return is_member(user, org) or region_in_jurisdiction(user, org.region, EDIT_ROLES)


def can_apply_credit_exit(user, record=None) -> bool:
    """The organization applies to leave the serious list (staff may enter a paper application)."""
    return can_apply_rectification(user, record)


def can_decide_credit_exit(user, application=None) -> bool:
    return application is not None and can_manage_credit(user, application.organization)


# --- portal change requests ------------------------------------------------------------------


def can_decide_change_request(user, cr=None) -> bool:
    """Key-data changes of a registered organization: the registration authority; of a filed community
    group: the staff of its subtree."""
    return cr is not None and can_change_key_data(user, cr.organization)
