"""Writes of the core. Keyword-only, atomic, validated, audited (HackSoft / Zulip actions style)."""

from __future__ import annotations

import csv
import datetime
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, diff, snapshot
from governance.audit_actions import GovernanceAudit
from governance.exceptions import ApplicationError
from governance.models import Region, RegionLevel, Role, RoleAssignment, Tenant, User
from governance.models.regions import LEVEL_CODE_DIGITS
from governance.models.tokens import ApiToken, token_digest
from governance.selectors import forget_roles
from governance.tenancy import require_tenant, tenant_context

DEFAULT_DIVISIONS_DIR = Path(__file__).resolve().parent / "data" / "divisions"


# --- tenants ---------------------------------------------------------------------------------


@transaction.atomic
def tenant_create(*, actor, name: str, slug: str, root_code: str, root_name: str, root_level: int) -> Tenant:
    """Create a tenant and the root node of its jurisdiction subtree (platform operator only)."""
    if actor is not None and not actor.is_superuser:
        raise ApplicationError(_("Only the platform operator may create tenants."))
    tenant = Tenant(name=name, slug=slug, root_code=root_code)
    tenant.full_clean()
    tenant.save()
    with tenant_context(tenant):
        root = Region(
            tenant=tenant,
            level=root_level,
            code=Region.normalize_code(root_code, root_level),
            name=root_name,
            path=f"{root_code}/",
            depth=0,
        )
        root.full_clean(exclude=["tenant"])
        root.save()
        audit_record(actor=actor, action="tenant.create", obj=tenant, tenant=tenant, changes=snapshot(tenant))
    return tenant


def tenant_root(tenant: Tenant) -> Region:
    return Region.objects.get(tenant=tenant, depth=0)


# --- regions ---------------------------------------------------------------------------------


def _child_path(parent: Region, code: str, level: int) -> str:
    digits = LEVEL_CODE_DIGITS.get(level)
    segment = code[:digits] if digits and level <= RegionLevel.GRID else code
    return f"{parent.path}{segment}/"


def region_build(*, parent: Region, level: int, code: str, name: str) -> Region:
    """The validated, unsaved node ``region_create`` would add (also used by the admin's add form)."""
    tenant = parent.tenant
    if level <= parent.level:
        raise ApplicationError(_("A child region must be at a lower level than its parent."))
    code = Region.normalize_code(code, level)
    if level <= RegionLevel.GRID and not code.startswith(parent.short_code):
        raise ApplicationError(
            _("The code %(code)s does not lie under the parent's code %(parent)s.")
            % {"code": code, "parent": parent.short_code}
        )
    region = Region(
        tenant=tenant, parent=parent, level=level, code=code, name=name.strip(),
        path=_child_path(parent, code, level), depth=parent.depth + 1,
    )
    region.full_clean()
    return region


@transaction.atomic
def region_create(*, actor, parent: Region, level: int, code: str, name: str) -> Region:
    """Add a node under ``parent`` (e.g. a community under a street, a grid under a community)."""
    require_tenant(parent.tenant, allow_all=True)
    region = region_build(parent=parent, level=level, code=code, name=name)
    region.save()
    audit_record(actor=actor, action="region.create", obj=region, changes=snapshot(region))
    return region


@transaction.atomic
def region_update(*, actor, region: Region, name: str) -> Region:
    """Rename a node. Codes and parents are official data and change only through a reload."""
    require_tenant(region.tenant, allow_all=True)
    before = snapshot(region, ["name"])
    region.name = name.strip()
    region.full_clean()
    region.save(update_fields=["name"])
    changes = diff(before, snapshot(region, ["name"]))
    if changes:
        audit_record(actor=actor, action="region.update", obj=region, changes=changes)
    return region


@dataclass
class DivisionLoadResult:
    created: int
    updated: int
    unchanged: int


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def divisions_load(*, actor, tenant: Tenant, directory: Path = DEFAULT_DIVISIONS_DIR) -> DivisionLoadResult:
    """Load the official divisions under the tenant's root code from CSVs (provinces/cities/areas/streets).

    Idempotent: existing codes are renamed if the name changed, new codes are added in bulk, nothing
    is deleted (a region may be referenced by records).
    """
    require_tenant(tenant, allow_all=True)
    root = tenant_root(tenant)
    root_short = tenant.root_code
    files = [
        (RegionLevel.PROVINCE, "provinces.csv", None),
        (RegionLevel.CITY, "cities.csv", "provinceCode"),
        (RegionLevel.DISTRICT, "areas.csv", "cityCode"),
        (RegionLevel.STREET, "streets.csv", "areaCode"),
    ]
    existing = {r.code: r for r in Region.objects.filter(tenant=tenant)}
    by_short: dict[str, Region] = {r.short_code: r for r in existing.values()}
    created = updated = unchanged = 0
    for level, filename, parent_column in files:
        if level <= root.level:
            continue
        rows = _read_csv(Path(directory) / filename)
        if not rows and level <= RegionLevel.STREET:
            continue
        new_nodes = []
        for row in rows:
            short = (row.get("code") or "").strip()
            name = (row.get("name") or "").strip()
            if not short.isdigit() or len(short) != LEVEL_CODE_DIGITS[level] or not name:
                raise ApplicationError(
                    _("Malformed division row in %(file)s: %(row)s") % {"file": filename, "row": row}
                )
            if not short.startswith(root_short):
                continue
            parent_short = (row.get(parent_column) or "").strip() if parent_column else ""
            parent = by_short.get(parent_short)
            if parent is None:
                continue  # the parent is outside this tenant's subtree
            code = Region.normalize_code(short, level)
            node = existing.get(code)
            if node is not None:
                if node.name != name:
                    node.name = name
                    node.save(update_fields=["name"])
                    updated += 1
                else:
                    unchanged += 1
                continue
            node = Region(
                tenant=tenant, parent=parent, level=level, code=code, name=name,
                path=f"{parent.path}{short}/", depth=parent.depth + 1,
            )
            new_nodes.append(node)
        Region.objects.bulk_create(new_nodes, batch_size=1000)
        # bulk_create gives ids on PostgreSQL and SQLite ≥3.35; re-read to be backend-agnostic.
        for node in Region.objects.filter(tenant=tenant, level=level):
            existing[node.code] = node
            by_short[node.short_code] = node
        created += len(new_nodes)
    if created or updated:
        audit_record(
            actor=actor, action="region.load_divisions", obj=root,
            changes={"created": created, "updated": updated, "source": str(Path(directory).name)},
        )
    return DivisionLoadResult(created=created, updated=updated, unchanged=unchanged)


# --- users and roles -------------------------------------------------------------------------


@transaction.atomic
def user_create(*, actor, tenant: Tenant | None, username: str, password: str, display_name: str = "",
                email: str = "", is_staff: bool = False) -> User:
    if tenant is not None:
        require_tenant(tenant, allow_all=True)
    user = User(tenant=tenant, username=username, display_name=display_name, email=email, is_staff=is_staff)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    if tenant is not None:
        audit_record(
            actor=actor, action="user.create", obj=user, tenant=tenant,
            changes=snapshot(user, ["username", "display_name", "email", "is_staff"]),
        )
    return user


@transaction.atomic
def role_assign(*, actor, user: User, region: Region, role: str) -> RoleAssignment:
    require_tenant(region.tenant, allow_all=True)
    if user.tenant_id != region.tenant_id:
        raise ApplicationError(_("The user and the region belong to different tenants."))
    if role not in Role.values:
        raise ApplicationError(_("Unknown role: %(role)s") % {"role": role})
    assignment, created = RoleAssignment.objects.get_or_create(
        tenant=region.tenant, user=user, region=region, role=role
    )
    if created:
        audit_record(
            actor=actor, action="role.assign", obj=assignment,
            changes={"user": user.username, "region": region.code, "role": role},
        )
    forget_roles(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    require_tenant(assignment.tenant, allow_all=True)
    changes = {"user": assignment.user.username, "region": assignment.region.code, "role": assignment.role}
    audit_record(actor=actor, action="role.revoke", obj=assignment, changes=changes)
    assignment.delete()
    forget_roles(assignment.user)


# --- API tokens ------------------------------------------------------------------------------

logger = logging.getLogger("governance.audit")


def _audit_token(*, actor, action: str, token: ApiToken) -> None:
    changes = {"user": token.user.username, "name": token.name, "prefix": token.prefix,
               "expires_at": token.expires_at}
    if token.user.tenant_id is None:
        # Operators belong to no tenant, and audit events are tenant-owned: their tokens go to the log.
        logger.info("%s by %s: %s", action, actor, changes)
        return
    with tenant_context(token.user.tenant):
        audit_record(actor=actor, action=action, obj=token, tenant=token.user.tenant, changes=changes,
                     object_repr=f"{token.user} · {token}")


@transaction.atomic
def api_token_create(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``. Returns the row and the key, which is not stored and cannot be shown again.

    Beyond ``API_TOKEN_MAX_ACTIVE`` active tokens the oldest are revoked, so repeated sign-ins from a
    script do not pile up valid keys.
    """
    key = secrets.token_hex(20)
    token = ApiToken(user=user, name=name.strip(), prefix=key[:8], digest=token_digest(key),
                     expires_at=timezone.now() + datetime.timedelta(days=settings.API_TOKEN_EXPIRY_DAYS))
    token.full_clean()
    token.save()
    _audit_token(actor=actor, action=GovernanceAudit.API_TOKEN_CREATE, token=token)
    active = ApiToken.objects.filter(user=user, revoked_at=None, expires_at__gt=timezone.now())
    for old in active.order_by("-created_at", "-id")[settings.API_TOKEN_MAX_ACTIVE:]:
        api_token_revoke(actor=actor, token=old)
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke ``token`` (it stops working at once). Revoking a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update(of=("self",)).select_related("user__tenant").get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _audit_token(actor=actor, action=GovernanceAudit.API_TOKEN_REVOKE, token=token)
    return token
