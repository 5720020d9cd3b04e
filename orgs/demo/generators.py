"""Names, people, places, codes and amounts of the demo data (deterministic for a seeded RNG)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from governance.models import Region, RegionLevel, Tenant
from governance.standards import USCC_ALPHABET
from governance.tenancy import all_tenants
from orgs.models import FundingSource, Organization, OrgKind, ServiceDomain

BATCH = 1000

D = ServiceDomain
F = FundingSource

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤"
)
GIVEN_NAMES = (
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "红梅", "春花", "国庆", "建国", "海燕", "玉兰", "德华",
    "志刚", "丽华", "小红", "文斌", "晓燕", "卫东", "爱民", "秋菊", "湘君", "振华", "立新", "美玲", "金花", "勇军",
)
ROADS = ("人民路", "解放路", "建设路", "中山路", "新华路", "文化路", "和平路", "光明路", "胜利路", "长青路")
AREA_CODES = {"4304": "0734", "4302": "0731", "4301": "0731", "4303": "0731"}

# Community groups (社区社会组织): (name stem, suffix, domains).
GROUP_THEMES = (
    ("夕阳红", "志愿服务队", (D.ELDERLY, D.VOLUNTEERING)),
    ("银龄", "互助会", (D.ELDERLY,)),
    ("彩虹", "儿童成长营", (D.CHILDREN,)),
    ("童心", "四点半课堂", (D.CHILDREN, D.EDUCATION)),
    ("邻里", "互助会", (D.COMMUNITY,)),
    ("睦邻", "议事会", (D.COMMUNITY,)),
    ("和谐", "调解工作室", (D.LEGAL, D.COMMUNITY)),
    ("快乐", "广场舞队", (D.CULTURE_SPORTS,)),
    ("书香", "读书会", (D.CULTURE_SPORTS, D.EDUCATION)),
    ("绿色", "环保志愿队", (D.ENVIRONMENT, D.VOLUNTEERING)),
    ("红马甲", "志愿服务队", (D.VOLUNTEERING, D.COMMUNITY)),
    ("巾帼", "志愿服务队", (D.WOMEN_FAMILY, D.VOLUNTEERING)),
    ("健康", "太极拳队", (D.HEALTH, D.CULTURE_SPORTS)),
    ("爱心", "助残服务队", (D.DISABILITY, D.VOLUNTEERING)),
    ("平安", "巡逻队", (D.COMMUNITY,)),
    ("老年", "合唱团", (D.ELDERLY, D.CULTURE_SPORTS)),
    ("党员", "先锋服务队", (D.VOLUNTEERING, D.COMMUNITY)),
    ("暖心", "帮帮团", (D.POVERTY, D.VOLUNTEERING)),
    ("文体", "协会", (D.CULTURE_SPORTS,)),
    ("家和", "妇女之家", (D.WOMEN_FAMILY,)),
)
# Associations (社会团体): (topic, domains); the name is "{city or district}{topic}".
ASSOCIATION_TOPICS = (
    ("老年人体育协会", (D.ELDERLY, D.CULTURE_SPORTS)),
    ("志愿者协会", (D.VOLUNTEERING,)),
    ("社会工作协会", (D.COMMUNITY,)),
    ("慈善总会", (D.POVERTY,)),
    ("书法家协会", (D.CULTURE_SPORTS,)),
    ("摄影家协会", (D.CULTURE_SPORTS,)),
    ("养老服务业协会", (D.ELDERLY,)),
    ("家庭教育促进会", (D.EDUCATION, D.WOMEN_FAMILY)),
    ("青少年体育协会", (D.CHILDREN, D.CULTURE_SPORTS)),
    ("残疾人康复协会", (D.DISABILITY, D.HEALTH)),
    ("人民调解协会", (D.LEGAL,)),
    ("环境保护协会", (D.ENVIRONMENT,)),
    ("健身气功协会", (D.HEALTH, D.CULTURE_SPORTS)),
    ("象棋协会", (D.CULTURE_SPORTS,)),
    ("老年大学校友会", (D.ELDERLY, D.EDUCATION)),
    ("物业管理协会", (D.COMMUNITY,)),
    ("个体劳动者协会", (D.OTHER,)),
    ("妇女儿童发展促进会", (D.WOMEN_FAMILY, D.CHILDREN)),
    ("乡村振兴促进会", (D.POVERTY,)),
    ("心理卫生协会", (D.HEALTH,)),
)
# Social-service institutions (社会服务机构): (word, suffix, domains).
INSTITUTION_WORDS = ("阳光", "启航", "同心", "益众", "善行", "和美", "春晖", "暖阳", "明德", "恒爱", "乐龄", "知行",
                     "博爱", "长青", "心语", "朝晖", "安康", "德润", "惠民", "致远")
INSTITUTION_KINDS = (
    ("社会工作服务中心", (D.COMMUNITY, D.ELDERLY, D.CHILDREN)),
    ("居家养老服务中心", (D.ELDERLY,)),
    ("日间照料中心", (D.ELDERLY, D.HEALTH)),
    ("康复服务中心", (D.DISABILITY, D.HEALTH)),
    ("心理咨询服务中心", (D.HEALTH,)),
    ("青少年服务中心", (D.CHILDREN, D.EDUCATION)),
    ("公益服务中心", (D.VOLUNTEERING, D.POVERTY)),
    ("培训学校", (D.EDUCATION,)),
    ("法律服务中心", (D.LEGAL,)),
)
FOUNDATION_KINDS = (
    ("慈善基金会", (D.POVERTY,)),
    ("教育基金会", (D.EDUCATION, D.CHILDREN)),
    ("助学基金会", (D.EDUCATION, D.POVERTY)),
    ("见义勇为基金会", (D.COMMUNITY,)),
    ("青少年发展基金会", (D.CHILDREN,)),
    ("老年福利基金会", (D.ELDERLY,)),
)
KIND_WEIGHTS = (
    (OrgKind.COMMUNITY_GROUP, 55), (OrgKind.ASSOCIATION, 24), (OrgKind.SERVICE_INSTITUTION, 18),
    (OrgKind.FOUNDATION, 3),
)
SUPERVISORS = ("民政局", "教育局", "体育局", "卫生健康委员会", "文化旅游广电体育局", "残疾人联合会", "老龄办", "司法局")


def _base31(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, remainder = divmod(number, len(USCC_ALPHABET))
        digits.append(USCC_ALPHABET[remainder])
    return "".join(reversed(digits))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def _phone(rng: random.Random, area: str) -> str:
    if rng.random() < 0.7:
        return f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"
    return f"{area}-{rng.randint(2_000_000, 8_999_999)}"


def _date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _grade_for(score: int, bands: dict[str, int]) -> str:
    for grade, minimum in sorted(bands.items(), key=lambda item: -item[1]):
        if score >= minimum:
            return grade
    return "1A"


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high) * 100) / 100 if high > 0 else Decimal("0")


class _Places:
    """The tenant's regions, with a focus on the first street/community (the demo users' scope)."""

    def __init__(self, tenant: Tenant):
        regions = list(Region.objects.filter(tenant=tenant, level__lte=RegionLevel.COMMUNITY).order_by("code"))
        self.by_id = {region.pk: region for region in regions}
        self.root = next(region for region in regions if region.depth == 0)
        self.districts = [r for r in regions if r.level == RegionLevel.DISTRICT] or [self.root]
        self.streets = [r for r in regions if r.level == RegionLevel.STREET] or self.districts
        self.communities = [r for r in regions if r.level == RegionLevel.COMMUNITY] or self.streets
        focus_district = self.districts[0]
        self.focus_streets = [s for s in self.streets if s.path.startswith(focus_district.path)] or self.streets
        focus_street = self.focus_streets[0]
        self.focus_communities = [c for c in self.communities if c.path.startswith(focus_street.path)] or [focus_street]
        self.city = self.root.name
        self.area_code = AREA_CODES.get(tenant.root_code[:4], "0731")

    def parent(self, region: Region) -> Region | None:
        return self.by_id.get(region.parent_id)

    def district_of(self, region: Region) -> Region:
        node = region
        while node is not None and node.level > RegionLevel.DISTRICT:
            node = self.parent(node)
        return node if node is not None and node.level == RegionLevel.DISTRICT else self.root

    def community_group_region(self, rng: random.Random) -> Region:
        roll = rng.random()
        if roll < 0.2:
            return self.focus_communities[0]
        if roll < 0.4:
            return rng.choice(self.focus_communities)
        return rng.choice(self.communities)

    def registered_region(self, rng: random.Random, kind: str) -> Region:
        roll = rng.random()
        if kind == OrgKind.FOUNDATION:
            return self.root if roll < 0.6 else rng.choice(self.districts)
        if roll < 0.2:
            return self.focus_streets[0]
        if roll < 0.45:
            return rng.choice(self.focus_streets)
        if roll < 0.6:
            return rng.choice(self.districts)
        return rng.choice(self.streets)

    def address(self, rng: random.Random, region: Region) -> str:
        chain = []
        node = region
        while node is not None and node.depth > 0:
            chain.append(node.name)
            node = self.parent(node)
        return self.city + "".join(reversed(chain)) + f"{rng.choice(ROADS)}{rng.randint(1, 388)}号"


def _unique_name(used: set[str], make) -> str:
    for _ in range(12):
        name = make()
        if name not in used:
            used.add(name)
            return name
    base = make()
    number = 2
    while f"{base}（{number}）" in used:
        number += 1
    used.add(f"{base}（{number}）")
    return f"{base}（{number}）"


def _org_name(rng: random.Random, kind: str, region: Region, places: _Places, used: set[str]) -> tuple[str, tuple]:
    holder: dict[str, tuple] = {}

    def make() -> str:
        if kind == OrgKind.COMMUNITY_GROUP:
            stem, suffix, domains = rng.choice(GROUP_THEMES)
            holder["domains"] = domains
            return f"{region.name}{stem}{suffix}"
        if kind == OrgKind.ASSOCIATION:
            topic, domains = rng.choice(ASSOCIATION_TOPICS)
            holder["domains"] = domains
            prefix = places.city if rng.random() < 0.4 else places.district_of(region).name
            return f"{prefix}{topic}"
        if kind == OrgKind.SERVICE_INSTITUTION:
            suffix, domains = rng.choice(INSTITUTION_KINDS)
            holder["domains"] = domains
            prefix = places.city if rng.random() < 0.5 else places.district_of(region).name
            return f"{prefix}{rng.choice(INSTITUTION_WORDS)}{suffix}"
        suffix, domains = rng.choice(FOUNDATION_KINDS)
        holder["domains"] = domains
        return f"{places.city}{rng.choice(INSTITUTION_WORDS)}{suffix}"

    name = _unique_name(used, make)
    return name, holder["domains"]


def _pick_kind(rng: random.Random) -> str:
    roll = rng.randint(1, 100)
    for kind, weight in KIND_WEIGHTS:
        roll -= weight
        if roll <= 0:
            return kind
    return OrgKind.COMMUNITY_GROUP


def _free_usccs(candidates: list[str]) -> set[str]:
    """The candidate codes not yet used anywhere on the platform (the code is unique platform-wide)."""
    with all_tenants():
        taken = set(Organization.unscoped.filter(uscc__in=candidates).values_list("uscc", flat=True))
    return set(candidates) - taken
