"""A user's role assignments in the Django cache (issue 8: one role look-up per user, not one per request).

Every request scopes its queries by the user's roles (``governance.selectors._assignments``); with the
cache a request reads them with one cache round trip instead of a join on the database. The entry is per
tenant and user, and carries the tenant's region version:

- saving or deleting a ``RoleAssignment`` (services, admin, factories, seeders) deletes the user's entry, at
  once and again after the commit (a request that read the old rows meanwhile cannot keep them);
- saving or deleting a ``Region`` (a rename, a move changes paths) bumps the tenant's region version, which
  makes every entry of the tenant stale;
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


def _keys(tenant_id: int, user_id: int) -> tuple[str, str]:
    return f"roles:{tenant_id}:{user_id}", f"roles:{tenant_id}:regions"


def role_rows(user, tenant_id: int) -> list[RoleRow]:
    """The user's assignments in the tenant, from the cache or (then cached) from the database."""
    from governance.models import RoleAssignment

    def from_database() -> list[RoleRow]:
        return [tuple(row) for row in RoleAssignment.objects.filter(user_id=user.pk).order_by("role", "region__path")
                .values_list("role", "region__path", "region_id", "region__name", "region__code")]

    seconds = settings.ROLE_CACHE_SECONDS
    if not seconds:
        return from_database()
    user_key, version_key = _keys(tenant_id, user.pk)
    found = cache.get_many([user_key, version_key])
    version = found.get(version_key)
    entry = found.get(user_key)
    if entry is not None and version is not None and entry[0] == version:
        return entry[1]
    rows = from_database()
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(version_key, version, timeout=None):
            version = cache.get(version_key)
    cache.set(user_key, (version, rows), timeout=seconds)
    return rows


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
