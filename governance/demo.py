"""Demo data of the core: two real-city tenants, generated communities and grids, one user per role."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from governance import services
from governance.models import Region, RegionLevel, Role, Tenant, User
from governance.tenancy import all_tenants, tenant_context

COMMUNITY_STEMS = [
    "建设", "和平", "光明", "幸福", "友谊", "东风", "新华", "解放", "胜利", "团结", "朝阳", "红旗",
    "五一", "人民", "先锋", "长乐", "松林", "桂花", "湘江", "莲湖", "平安", "金源", "荷花", "枫林",
]
GRID_NAMES = ["第一网格", "第二网格", "第三网格", "第四网格", "第五网格", "第六网格"]


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    name: str
    root_code: str
    root_name: str
    prefix: str  # username prefix


HENGYANG = DemoTenant("hengyang", "衡阳市民政局", "4304", "衡阳市", "hy")
ZHUZHOU = DemoTenant("zhuzhou", "株洲市民政局", "4302", "株洲市", "zz")


@dataclass
class DemoLogin:
    username: str
    role: str
    scope: str


def _ensure_tenant(spec: DemoTenant, operator: User) -> Tenant:
    tenant = Tenant.objects.filter(slug=spec.slug).first()
    if tenant is None:
        tenant = services.tenant_create(
            actor=operator, name=spec.name, slug=spec.slug, root_code=spec.root_code,
            root_name=spec.root_name, root_level=RegionLevel.CITY,
        )
    with tenant_context(tenant):
        services.divisions_load(actor=operator, tenant=tenant)
    return tenant


def _generate_communities(tenant: Tenant, *, communities_per_street: int, grids_per_community: int,
                          seed: int) -> int:
    """Communities (0xx) under every sub-district, villages (2xx) under towns, grids under communities."""
    rng = random.Random(seed)
    created = 0
    existing_codes = set(Region.objects.filter(level__gte=RegionLevel.COMMUNITY).values_list("code", flat=True))
    new_nodes: list[Region] = []
    for street in Region.objects.filter(level=RegionLevel.STREET).order_by("code"):
        short = street.short_code
        urban = int(short[6:9]) < 100  # NBS: 001-099 are 街道
        count = communities_per_street if urban else 2
        stems = rng.sample(COMMUNITY_STEMS, k=min(count, len(COMMUNITY_STEMS)))
        for index in range(count):
            number = index + 1 if urban else 200 + index + 1
            code = f"{short}{number:03d}"
            if code in existing_codes:
                continue
            name = f"{stems[index]}社区" if urban else f"{stems[index]}村"
            new_nodes.append(Region(
                tenant=tenant, parent=street, level=RegionLevel.COMMUNITY, code=code, name=name,
                path=f"{street.path}{code}/", depth=street.depth + 1,
            ))
    Region.objects.bulk_create(new_nodes, batch_size=1000)
    created += len(new_nodes)
    grid_nodes: list[Region] = []
    for community in Region.objects.filter(level=RegionLevel.COMMUNITY).order_by("code"):
        if not community.code[9:12].startswith("0"):
            continue  # villages are not divided into urban grids in the demo
        for index in range(grids_per_community):
            code = f"{community.code}{index + 1:03d}"
            if code in existing_codes:
                continue
            grid_nodes.append(Region(
                tenant=tenant, parent=community, level=RegionLevel.GRID, code=code, name=GRID_NAMES[index],
                path=f"{community.path}{code}/", depth=community.depth + 1,
            ))
    Region.objects.bulk_create(grid_nodes, batch_size=1000)
    return created + len(grid_nodes)


def _ensure_user(*, operator, tenant: Tenant | None, username: str, display_name: str, password: str,
                 is_staff: bool = False) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.user_create(
            actor=operator, tenant=tenant, username=username, password=password, display_name=display_name,
            is_staff=is_staff,
        )
    return user


def _first(level: int, under: Region) -> Region:
    return Region.objects.filter(level=level, path__startswith=under.path).order_by("code").first()


def _assign(spec: DemoTenant, tenant: Tenant, operator: User, password: str) -> list[DemoLogin]:
    root = services.tenant_root(tenant)
    district = _first(RegionLevel.DISTRICT, root)
    street = _first(RegionLevel.STREET, district)
    community = _first(RegionLevel.COMMUNITY, street)
    grid = _first(RegionLevel.GRID, community)
    plan = [
        ("admin", "管理员", Role.TENANT_ADMIN, root, True),
        ("street", "街道工作人员", Role.STREET_STAFF, street, False),
        ("community", "社区工作人员", Role.COMMUNITY_STAFF, community, False),
        ("grid", "网格员", Role.GRID_WORKER, grid, False),
        ("expert", "评审专家", Role.EXPERT, root, False),
        ("org", "社会组织用户", Role.ORG_USER, root, False),
        ("party", "党务专员", Role.PARTY_OFFICER, district, False),
        ("auditor", "纪检审计", Role.AUDITOR, district, False),
    ]
    if spec is not HENGYANG:
        plan = plan[:2]
    logins = []
    for suffix, label, role, region, is_staff in plan:
        username = f"{spec.prefix}_{suffix}"
        user = _ensure_user(operator=operator, tenant=tenant, username=username,
                            display_name=f"{spec.root_name}{label}", password=password, is_staff=is_staff)
        services.role_assign(actor=operator, user=user, region=region, role=role)
        logins.append(DemoLogin(username, str(Role(role).label), region.name))
    return logins


def seed_demo(*, communities_per_street: int = 5, grids_per_community: int = 4) -> list[DemoLogin]:
    """Create or complete the demo (idempotent) and return the logins to print."""
    password = settings.DEMO_PASSWORD
    logins: list[DemoLogin] = []
    with all_tenants(), transaction.atomic():
        operator = User.objects.filter(username="admin").first()
        if operator is None:
            operator = User.objects.create_superuser("admin", "admin@example.com", password)
            operator.display_name = "平台运维"
            operator.save(update_fields=["display_name"])
        logins.append(DemoLogin("admin", "平台运维 (platform operator)", "—"))
    for spec in (HENGYANG, ZHUZHOU):
        with all_tenants():
            tenant = _ensure_tenant(spec, operator)
        with tenant_context(tenant):
            _generate_communities(tenant, communities_per_street=communities_per_street,
                                  grids_per_community=grids_per_community, seed=int(spec.root_code))
            logins.extend(_assign(spec, tenant, operator, password))
    return logins
