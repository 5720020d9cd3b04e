"""A user's role assignments in the Django cache (issue 8: one role look-up per user, not one per request).

Every request scopes its queries by the user's roles (``governance.selectors._assignments``); with the
cache a request reads them with one cache round trip instead of a join on the database. The entry also holds,
for each region the user holds a role at, the ids of the regions in its subtree (read with the roles, one
query on the regions): ``governance.selectors.scope_to_user`` filters ``region_id = ANY(ids)`` with them
instead of joining the region table on ``path LIKE``. The entry is per tenant and user, and carries the
tenant's region version:

- saving or deleting a ``RoleAssignment`` (services, admin, factories, seeders) deletes the user's entry, at
  once and again after the commit (a request that read the old rows meanwhile cannot keep them);
- saving or deleting a ``Region`` (a rename, a move changes paths, a new region joins subtrees), and the
  region queryset's ``bulk_create``/``update`` (the division loader, the demo seeders), bump the tenant's
  region version, which makes every entry of the tenant stale;
- entries expire after ``settings.ROLE_CACHE_SECONDS`` whatever happens; 0 (production without a shared
  cache) reads the roles on every request.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

# (role, region path, region id, region name, region code)
RoleRow = tuple[str, str, int, str, str]
# region path held -> ids of the regions in its subtree (itself included), ascending
Subtrees = dict[str, tuple[int, ...]]
# Key of Subtrees holding (the tenant's number of regions,): not a region path (paths end with "/").
ALL_REGIONS = "*"


def _keys(tenant_id: int, user_id: int) -> tuple[str, str]:
    return f"roles:{tenant_id}:{user_id}", f"roles:{tenant_id}:regions"


def role_rows(user, tenant_id: int) -> tuple[list[RoleRow], Subtrees | None]:
    """The user's assignments in the tenant and the region ids of the subtrees they cover, from the cache or
    (then cached) from the database. Without the cache (``ROLE_CACHE_SECONDS = 0``) the subtrees are None:
    reading them would cost a query on every request, so the scope filters by a sub-query instead."""
    from governance.models import RoleAssignment

    seconds = settings.ROLE_CACHE_SECONDS
    if not seconds:
        return _rows_from_database(RoleAssignment, user), None
    user_key, version_key = _keys(tenant_id, user.pk)
    found = cache.get_many([user_key, version_key])
    version = found.get(version_key)
    entry = found.get(user_key)
    if entry is not None and version is not None and entry[0] == version and len(entry) == 3:
        return entry[1], entry[2]
    if version is None:
        # Drawn before the rows are read: a region change committed after this read bumps it again.
        version = uuid.uuid4().hex
        if not cache.add(version_key, version, timeout=None):
            version = cache.get(version_key)
    rows = _rows_from_database(RoleAssignment, user)
    subtrees = _subtrees_from_database(tenant_id, {row[1] for row in rows})
    cache.set(user_key, (version, rows, subtrees), timeout=seconds)
    return rows, subtrees


def _rows_from_database(model, user) -> list[RoleRow]:
    return [tuple(row) for row in model.objects.filter(user_id=user.pk).order_by("role", "region__path")
            .values_list("role", "region__path", "region_id", "region__name", "region__code")]


def _subtrees_from_database(tenant_id: int, paths: set[str]) -> Subtrees:
    """One query: every region under one of ``paths`` (``path LIKE 'p%'``), grouped by the held path."""
    from django.db.models import Count, Q, Subquery

    from governance.models import Region

    if not paths:
        return {}
    ordered = sorted(paths)
    minimal = [path for i, path in enumerate(ordered) if not any(path.startswith(kept) for kept in ordered[:i])]
    condition = Q()
    for path in minimal:
        condition |= Q(path__startswith=path)
    # The tenant's region count rides along (an uncorrelated sub-query, evaluated once): a scope that covers
    # every region of the tenant needs no id list (the tenant administrator's, hundreds of ids per query).
    total = (Region.objects.filter(tenant_id=tenant_id).order_by().values("tenant_id")
             .annotate(n=Count("pk")).values("n"))
    found = list(Region.objects.filter(condition, tenant_id=tenant_id).annotate(total=Subquery(total))
                 .order_by("pk").values_list("pk", "path", "total"))
    subtrees = {held: tuple(pk for pk, path, _total in found if path.startswith(held)) for held in ordered}
    subtrees[ALL_REGIONS] = (found[0][2] if found else -1,)
    return subtrees


def _now_and_on_commit(func) -> None:
    func()
    transaction.on_commit(func)


def forget_user_roles(*, tenant_id, user_id) -> None:
    if tenant_id is None or user_id is None:
        return
    key = _keys(tenant_id, user_id)[0]
    _now_and_on_commit(lambda: cache.delete(key))


def forget_tenant_regions(*, tenant_id) -> None:
    if tenant_id is None:
        return
    key = _keys(tenant_id, 0)[1]
    _now_and_on_commit(lambda: cache.set(key, uuid.uuid4().hex, timeout=None))


def _assignment_changed(sender, instance, **kwargs) -> None:
    forget_user_roles(tenant_id=instance.tenant_id, user_id=instance.user_id)


def _region_changed(sender, instance, **kwargs) -> None:
    forget_tenant_regions(tenant_id=instance.tenant_id)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from governance.models import Region, RoleAssignment

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_assignment_changed, sender=RoleAssignment, dispatch_uid=f"role_cache.assignment.{name}")
        signal.connect(_region_changed, sender=Region, dispatch_uid=f"role_cache.region.{name}")
