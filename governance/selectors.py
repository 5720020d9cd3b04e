"""Reads of the core: role look-ups, jurisdiction scoping and the access functions.

The access-function pattern (Zulip ``access_stream_by_id``): every object a user asks for by id is
fetched from the queryset of what that user may see, so "missing" and "not yours" are the same 404.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from governance import (
    id_array,  # noqa: F401  (registers the __in_ids lookup)
    role_cache,
)
from governance.models import ApiToken, AuditEvent, Region, RoleAssignment
from governance.models.accounts import STAFF_ROLES, Role
from governance.tenancy import get_current_tenant_id

_CACHE_ATTR = "_governance_role_cache"


def _role_entry(user) -> tuple[list[role_cache.RoleRow], role_cache.Subtrees | None]:
    """The user's role rows and subtree ids in the active tenant: kept on the user object for the request and
    in the Django cache across requests (governance.role_cache)."""
    tenant_id = get_current_tenant_id()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached[0] == tenant_id:
        return cached[1], cached[2]
    rows: list[role_cache.RoleRow] = []
    subtrees: role_cache.Subtrees | None = {}
    if tenant_id is not None and getattr(user, "pk", None) and user.tenant_id == tenant_id:
        rows, subtrees = role_cache.role_rows(user, tenant_id)
    setattr(user, _CACHE_ATTR, (tenant_id, rows, subtrees))
    return rows, subtrees


def user_role_rows(user) -> list[role_cache.RoleRow]:
    """``[(role, region_path, region_id, region_name, region_code)]`` of the user in the active tenant, by role."""
    return _role_entry(user)[0]


def _assignments(user) -> list[tuple[str, str, int]]:
    """``[(role, region_path, region_id)]`` of the user in the active tenant."""
    return [row[:3] for row in user_role_rows(user)]


def forget_roles(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_roles(user) -> set[str]:
    return {role for role, _path, _id in _assignments(user)}


def user_region_paths(user, roles: Iterable[str] | None = None) -> list[str]:
    """Paths of the subtrees the user may see through ``roles`` (default: the staff roles), minimal set."""
    wanted = set(roles) if roles is not None else set(STAFF_ROLES)
    paths = sorted({path for role, path, _id in _assignments(user) if role in wanted})
    minimal: list[str] = []
    for path in paths:  # sorted, so an ancestor comes before its descendants
        if not any(path.startswith(kept) for kept in minimal):
            minimal.append(path)
    return minimal


def user_regions(user, roles: Iterable[str] | None = None) -> QuerySet[Region]:
    paths = user_region_paths(user, roles)
    if not paths:
        # No role (or a platform operator outside the admin, with no tenant): nothing to query.
        return Region.objects.none()
    return Region.objects.filter(path__in=paths).order_by("path")


def scope_to_user(
    queryset: QuerySet, user, *, region_field: str = "region", roles: Iterable[str] | None = None
) -> QuerySet:
    """Limit ``queryset`` to the rows whose region lies in a subtree the user holds a role over.

    ``region_field`` names the foreign key to the region ("" for the regions themselves). The filter is on
    that key's column against the ids of the regions in the user's subtrees, read once with the roles
    (governance.role_cache), as one array parameter (``region_id = ANY(%s)`` on PostgreSQL): no join on the
    region table, so the planner estimates the other filters on their own. Without the role cache the ids
    come from a sub-query on the regions' paths (no extra query either)."""
    condition = scope_condition(user, region_field=region_field, roles=roles)
    return queryset.none() if condition is None else queryset.filter(condition)


def scope_condition(user, *, region_field: str = "region", roles: Iterable[str] | None = None) -> Q | None:
    """The filter of ``scope_to_user`` as a ``Q`` (to combine, e.g. "the contract's region or the
    application's"), or None when the user sees nothing through ``roles``."""
    paths = user_region_paths(user, roles)
    if not paths:
        return None
    column = region_field or "pk"
    _rows, subtrees = _role_entry(user)
    if subtrees is not None:
        ids = sorted({pk for path in paths for pk in subtrees.get(path, ())})
        if not ids:
            return None
        if len(ids) == subtrees.get(role_cache.ALL_REGIONS, (-1,))[0]:  # every region of the tenant: no id list needed
            return Q(**{f"{column}__isnull": False})
        return Q(**{f"{column}__in_ids": ids})
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    regions = Region.objects.filter(condition, tenant_id=get_current_tenant_id()).values("pk")
    return Q(**{f"{column}__in": regions})


def users_with_roles_over(region: Region, roles: Iterable[str]):
    """Active users holding one of ``roles`` at ``region`` or at one of its ancestors (who answer for it),
    e.g. the community staff who review a filing of their community. One query, no per-row work."""
    from django.db.models import Exists, OuterRef

    from governance.models import User

    segments = region.path.strip("/").split("/")
    chain = ["/".join(segments[:depth]) + "/" for depth in range(1, len(segments) + 1)]
    holds = RoleAssignment.objects.filter(user_id=OuterRef("pk"), role__in=list(roles), region__path__in=chain)
    return User.objects.filter(tenant_id=region.tenant_id, is_active=True).filter(Exists(holds))


def get_object_for_user_or_404(queryset: QuerySet, **lookup):
    """Fetch from an already-scoped queryset; missing and forbidden both raise the same 404."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


# --- API tokens ------------------------------------------------------------------------------


def api_token_list(*, user) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (nobody lists another user's tokens)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get_for_user(*, user, pk) -> ApiToken:
    return get_object_for_user_or_404(api_token_list(user=user).select_related("user__tenant"), pk=pk)


# --- regions ---------------------------------------------------------------------------------


def region_list(*, user, parent: Region | None = None, level: int | None = None, code_prefix: str = "",
                search: str = "") -> QuerySet[Region]:
    queryset = scope_to_user(Region.objects.all(), user, region_field="", roles=_all_roles())
    if parent is not None:
        queryset = queryset.filter(parent=parent)
    if level:
        queryset = queryset.filter(level=level)
    if code_prefix:
        queryset = queryset.filter(code__startswith=code_prefix)
    if search:
        queryset = queryset.filter(Q(name__contains=search) | Q(code__startswith=search))
    return queryset.order_by("path")


def _all_roles() -> set[str]:
    return set(Role.values)


def region_get_for_user(*, user, pk) -> Region:
    return get_object_for_user_or_404(
        scope_to_user(Region.objects.select_related("parent"), user, region_field="", roles=_all_roles()), pk=pk
    )


def region_ancestors(region: Region) -> QuerySet[Region]:
    prefixes = []
    segments = region.path.strip("/").split("/")
    for i in range(1, len(segments)):
        prefixes.append("/".join(segments[:i]) + "/")
    return Region.objects.filter(path__in=prefixes).order_by("depth")


def region_counts(region: Region) -> dict[int, int]:
    """Number of nodes per level below ``region`` (one grouped query)."""
    from django.db.models import Count

    rows = (
        Region.objects.filter(path__startswith=region.path)
        .exclude(pk=region.pk)
        .values("level")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["level"]: row["n"] for row in rows}


# --- audit -----------------------------------------------------------------------------------


def active_user_count(*, user) -> int:
    """Active users the home page counts for an admin or auditor: the whole tenant from the root, else the
    users holding a role in the auditor's subtree (issue 7 item 11: every count on the home page is scoped)."""
    from django.db.models import Exists, OuterRef

    from governance.models import User

    users = User.objects.filter(tenant_id=user.tenant_id, is_active=True)
    if Role.TENANT_ADMIN in user_roles(user):
        return users.count()
    paths = user_region_paths(user, roles=[Role.AUDITOR])
    if any(path.count("/") == 1 for path in paths):
        return users.count()
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(region__path__startswith=path)
    return users.filter(Exists(RoleAssignment.objects.filter(condition, user_id=OuterRef("pk")))).count()


def audit_event_list(*, user, filters: dict | None = None) -> QuerySet[AuditEvent]:
    """Audit events of the user's tenant, for tenant admins and auditors."""
    from governance.permissions import can_view_audit_log

    if not can_view_audit_log(user):
        return AuditEvent.objects.none()
    queryset = AuditEvent.objects.select_related("content_type")
    if Role.TENANT_ADMIN not in user_roles(user):
        # Auditors see the events of their subtree; events of the whole tenant need the root.
        paths = user_region_paths(user, roles=[Role.AUDITOR])
        if not any(path.count("/") == 1 for path in paths):
            condition = Q(pk__in=[])
            for path in paths:
                condition |= Q(region_path__startswith=path)
            queryset = queryset.filter(condition)
    filters = filters or {}
    if filters.get("action"):
        queryset = queryset.filter(action=filters["action"])
    if filters.get("actor"):
        queryset = queryset.filter(actor_repr__icontains=filters["actor"])
    if filters.get("object_type"):
        queryset = queryset.filter(content_type_id=filters["object_type"])
    if filters.get("date_from"):
        queryset = queryset.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        queryset = queryset.filter(created_at__date__lte=filters["date_to"])
    if filters.get("q"):
        queryset = queryset.filter(Q(object_repr__icontains=filters["q"]) | Q(request_id=filters["q"]))
    return queryset.order_by("-created_at", "-id")


def audit_events_for_object(obj) -> QuerySet[AuditEvent]:
    from django.contrib.contenttypes.models import ContentType

    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("-created_at", "-id")
