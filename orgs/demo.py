"""Demo data of the registry: organizations, annual reports, grades and credit records for a tenant.

``seed_organizations`` fills any tenant (demo or benchmark) up to ``count`` organizations; it is
deterministic for a given seed and tenant state, idempotent (a tenant that already has ``count``
organizations is left alone; one with fewer is topped up), and uses bulk inserts so that a few
hundred organizations take a few seconds on SQLite. ``seed_orgs_demo`` runs it for the demo tenants of
``governance.demo`` (Hengyang and Zhuzhou) and links their organization users to an organization.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from governance.audit import audit_record
from governance.models import Region, RegionLevel, Tenant, User
from governance.standards import USCC_ALPHABET, make_uscc
from governance.tenancy import all_tenants, tenant_context
from orgs.models import (
    DEFAULT_GRADE_BANDS,
    KIND_USCC_TYPES,
    AnnualReport,
    Conclusion,
    CreditList,
    CreditReason,
    CreditRecord,
    CreditSource,
    EvaluationGrade,
    Filing,
    FilingStatus,
    FundingSource,
    GradeBand,
    GradeStatus,
    InspectionCampaign,
    Organization,
    OrganizationDomain,
    OrgKind,
    OrgMembership,
    OrgStatus,
    ReportStatus,
    ServiceDomain,
)

DEMO_COUNTS = {"hengyang": 300, "zhuzhou": 60}
DEMO_ORG_USERS = {"hengyang": "hy_org", "zhuzhou": "zz_org"}
DEFAULT_SEED = 2026
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


@dataclass
class SeedResult:
    tenant: str
    target: int
    existing: int
    organizations: int = 0
    domains: int = 0
    filings: int = 0
    annual_reports: int = 0
    grades: int = 0
    credit_records: int = 0
    memberships: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        return self.organizations == 0

    def summary(self) -> str:
        parts = []
        if self.skipped:
            parts.append(f"already has {self.existing} organizations (target {self.target}); nothing created")
        else:
            parts.append(
                f"created {self.organizations} organizations ({self.existing} existed), {self.domains} service "
                f"domains, {self.filings} filings, {self.annual_reports} annual reports, {self.grades} grades, "
                f"{self.credit_records} credit records"
            )
        parts.extend(f"linked {link}" for link in self.memberships)
        return f"{self.tenant}: " + "; ".join(parts)


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


def seed_organizations(*, tenant: Tenant, count: int, seed: int = DEFAULT_SEED, actor=None) -> SeedResult:
    """Fill ``tenant`` up to ``count`` organizations with realistic demo data (inside its tenant scope)."""
    existing = Organization.objects.filter(tenant=tenant).count()
    result = SeedResult(tenant=tenant.slug, target=count, existing=existing)
    if existing >= count:
        return result
    new = count - existing
    rng = random.Random(f"{seed}-{tenant.root_code}-{existing}")
    today = timezone.localdate()
    places = _Places(tenant)
    used_names = set(Organization.objects.filter(tenant=tenant).values_list("name", flat=True))
    tag = _base31(int(tenant.root_code[:6].ljust(6, "0")) % 961, 2)  # tenant-specific, so codes rarely collide
    filing_prefix = places.city[:1]

    with transaction.atomic():
        plans = []
        for index in range(existing, count):
            kind = OrgKind.SERVICE_INSTITUTION if index == 0 else _pick_kind(rng)
            if kind == OrgKind.COMMUNITY_GROUP:
                region = places.community_group_region(rng)
            else:
                region = places.focus_streets[0] if index == 0 else places.registered_region(rng, kind)
            if index == 0:  # a well-known first organization for the demo (the portal user acts for it)
                name, domains = f"{places.city}阳光社会工作服务中心", (D.COMMUNITY, D.ELDERLY, D.CHILDREN)
                used_names.add(name)
            else:
                name, domains = _org_name(rng, kind, region, places, used_names)
            plans.append((index, kind, region, name, domains))

        # Credit codes: authority 5, the kind's type, the county of the region, a unique organization code.
        candidates: dict[int, str] = {}
        serial = existing
        pending = [plan for plan in plans if plan[1] != OrgKind.COMMUNITY_GROUP]
        while pending:
            batch = {}
            for plan in pending:
                kind_type = next(iter(KIND_USCC_TYPES[plan[1]]))
                district = plan[2].code[:6]
                batch[plan[0]] = make_uscc("5", kind_type, district, f"MJ{tag}{_base31(serial, 4)}")
                serial += 1
            free = _free_usccs(list(batch.values()))
            candidates.update({index: code for index, code in batch.items() if code in free})
            pending = [plan for plan in pending if plan[0] not in candidates]

        organizations: list[Organization] = []
        org_domains: list[tuple[Organization, tuple]] = []
        filings: list[tuple[Organization, str]] = []
        for index, kind, region, name, domains in plans:
            established = _date_between(rng, datetime.date(2008, 1, 1), min(today, datetime.date(2025, 12, 31)))
            registered = min(today, established + datetime.timedelta(days=rng.randint(0, 75)))
            status = OrgStatus.ACTIVE
            filing_number = ""
            filing_status = None
            if kind == OrgKind.COMMUNITY_GROUP:
                if index != 0 and rng.random() < 0.12:  # a filing still under review: no number yet
                    status = OrgStatus.PENDING
                    filing_status = rng.choice([FilingStatus.SUBMITTED, FilingStatus.COMMUNITY_APPROVED])
                    registered = None
                else:
                    filing_number = f"{filing_prefix}社备〔{registered.year}〕{index + 1:05d}号"
                    filing_status = FilingStatus.FILED
            if status == OrgStatus.ACTIVE and index != 0:
                roll = rng.random()
                if roll < 0.04:
                    status = OrgStatus.SUSPENDED
                elif roll < 0.06:
                    status = OrgStatus.DEREGISTERED
                elif roll < 0.07 and kind != OrgKind.COMMUNITY_GROUP:
                    status = OrgStatus.REVOKED
            if kind == OrgKind.COMMUNITY_GROUP:
                staff = (rng.randint(0, 2), rng.randint(0, 1), rng.randint(0, 3), rng.randint(8, 120))
                street = places.parent(region) or region
                supervising = street.name + ("人民政府" if street.name.endswith(("镇", "乡")) else "办事处")
                funding = rng.sample([F.GOVERNMENT, F.DUES, F.DONATIONS], k=rng.randint(1, 2))
            elif kind == OrgKind.ASSOCIATION:
                staff = (rng.randint(1, 8), rng.randint(0, 3), rng.randint(0, 2), rng.randint(20, 500))
                supervising = f"{places.city}{rng.choice(SUPERVISORS)}" if rng.random() < 0.6 else ""
                funding = rng.sample([F.DUES, F.GOVERNMENT, F.DONATIONS, F.SERVICES], k=rng.randint(1, 3))
            elif kind == OrgKind.SERVICE_INSTITUTION:
                staff = (rng.randint(3, 40), rng.randint(1, 20), rng.randint(0, 1), rng.randint(10, 300))
                supervising = f"{places.city}民政局" if rng.random() < 0.7 else ""
                funding = rng.sample([F.GOVERNMENT, F.SERVICES, F.DONATIONS], k=rng.randint(1, 3))
            else:
                staff = (rng.randint(2, 10), rng.randint(0, 3), rng.randint(0, 2), rng.randint(0, 200))
                supervising = f"{places.city}民政局"
                funding = [F.DONATIONS] + ([F.OTHER] if rng.random() < 0.3 else [])
            org = Organization(
                tenant=tenant, region=region, name=name, kind=kind, uscc=candidates.get(index),
                filing_number=filing_number, legal_representative=_person(rng),
                contact_person=_person(rng), contact_phone=_phone(rng, places.area_code),
                email=f"{rng.randint(10_000_000, 999_999_999)}@qq.com" if rng.random() < 0.35 else "",
                address=places.address(rng, region), established_date=established, registered_date=registered,
                supervising_unit=supervising, status=status, staff_fulltime=staff[0],
                staff_social_workers=staff[1], retired_cadre_leaders=staff[2], volunteers=staff[3],
                funding_sources=[str(code) for code in funding],
            )
            organizations.append(org)
            extra = rng.sample(list(D), k=1) if rng.random() < 0.25 else []
            org_domains.append((org, tuple(dict.fromkeys([*domains, *extra]))))
            if filing_status is not None:
                filings.append((org, filing_status))
        Organization.objects.bulk_create(organizations, batch_size=BATCH)
        _ensure_ids(tenant, organizations)

        domain_rows = [OrganizationDomain(tenant=tenant, organization_id=org.pk, domain=domain)
                       for org, domains in org_domains for domain in domains]
        OrganizationDomain.objects.bulk_create(domain_rows, batch_size=BATCH)
        filing_rows = [
            Filing(tenant=tenant, organization_id=org.pk, status=status,
                   decided_at=_aware(org.registered_date) if status == FilingStatus.FILED else None)
            for org, status in filings
        ]
        Filing.objects.bulk_create(filing_rows, batch_size=BATCH)
        # ``submitted_at`` is auto_now_add, so the insert stamped "now": backdate in one bulk update.
        for filing, (org, _status) in zip(filing_rows, filings, strict=True):
            submitted = (org.registered_date - datetime.timedelta(days=rng.randint(5, 30)) if org.registered_date
                         else today - datetime.timedelta(days=rng.randint(1, 20)))
            filing.submitted_at = _aware(submitted)
        if all(filing.pk for filing in filing_rows):
            Filing.objects.bulk_update(filing_rows, ["submitted_at"], batch_size=BATCH)
        result.annual_reports = _seed_reports(rng, tenant, organizations, today)
        result.grades = _seed_grades(rng, tenant, organizations, today)
        result.credit_records = _seed_credit(rng, tenant, organizations, today)
        result.organizations = len(organizations)
        result.domains = len(domain_rows)
        result.filings = len(filing_rows)
        audit_record(actor=actor, action="organization.seed_demo", tenant=tenant,
                     changes={"organizations": new, "annual_reports": result.annual_reports,
                              "grades": result.grades, "credit_records": result.credit_records})
    return result


def _aware(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _ensure_ids(tenant: Tenant, organizations: list[Organization]) -> None:
    """Backends that cannot return ids from a bulk insert: read them back by name (unique per run)."""
    if all(org.pk for org in organizations):
        return
    ids = dict(Organization.objects.filter(tenant=tenant, name__in=[o.name for o in organizations])
               .values_list("name", "pk"))
    for org in organizations:
        org.pk = ids[org.name]


def _report_years(today: datetime.date) -> tuple[list[int], datetime.date]:
    """The three latest report years whose due date (31 May of the next year) has passed."""
    latest = today.year - 1 if today > datetime.date(today.year, 5, 31) else today.year - 2
    return [latest - 2, latest - 1, latest], datetime.date(latest + 1, 5, 31)


def _seed_reports(rng: random.Random, tenant: Tenant, organizations: list[Organization],
                  today: datetime.date) -> int:
    years, _latest_due = _report_years(today)
    campaigns = {}
    for year in years:
        campaign, _created = InspectionCampaign.objects.get_or_create(
            tenant=tenant, year=year, defaults={"due_date": datetime.date(year + 1, 5, 31)})
        campaigns[year] = campaign
    reports = []
    for org in organizations:
        if org.status in (OrgStatus.PENDING, OrgStatus.REJECTED, OrgStatus.DEREGISTERED) or not org.registered_date:
            continue
        scale = {OrgKind.COMMUNITY_GROUP: 30, OrgKind.ASSOCIATION: 300, OrgKind.SERVICE_INSTITUTION: 1500,
                 OrgKind.FOUNDATION: 3000}[org.kind]
        for year in years:
            if org.registered_date.year > year:
                continue
            due = campaigns[year].due_date
            latest = year == years[-1]
            roll = rng.random()
            if latest and (roll < 0.12 or org.status == OrgStatus.REVOKED):
                status = ReportStatus.OPEN  # overdue: the daily credit job lists these organizations
            elif latest and roll < 0.2:
                status = ReportStatus.SUBMITTED
            elif latest and roll < 0.24:
                status = ReportStatus.RETURNED
            else:
                status = ReportStatus.REVIEWED
            submitted = _date_between(rng, datetime.date(year + 1, 2, 1), due - datetime.timedelta(days=3))
            report = AnnualReport(tenant=tenant, organization_id=org.pk, campaign=campaigns[year], year=year,
                                  due_date=due, status=status)
            if status != ReportStatus.OPEN:
                government = _money(rng, 0, scale * 1000) if F.GOVERNMENT in org.funding_sources else Decimal(0)
                report.income_government = government
                report.income_donations = _money(rng, 0, scale * 400)
                report.income_dues = _money(rng, 0, scale * 100) if org.kind == OrgKind.ASSOCIATION else Decimal(0)
                report.income_services = _money(rng, 0, scale * 300)
                report.income_other = _money(rng, 0, scale * 20)
                total = report.total_income
                report.spending = (total * Decimal(rng.randint(70, 105)) / 100).quantize(Decimal("0.01"))
                report.net_assets = _money(rng, scale * 50, scale * 2000)
                report.activities_summary = f"{year}年开展服务活动{rng.randint(4, 80)}场，服务群众{rng.randint(50, 5000)}人次。"
                report.party_building_report = "按要求开展党建工作。" if rng.random() < 0.6 else ""
                report.submitted_at = _aware(submitted)
            if status == ReportStatus.REVIEWED:
                report.conclusion = rng.choices(
                    [Conclusion.QUALIFIED, Conclusion.BASICALLY_QUALIFIED, Conclusion.UNQUALIFIED],
                    weights=[85, 11, 4])[0]
                report.reviewed_at = _aware(min(today, submitted + datetime.timedelta(days=rng.randint(3, 40))))
            elif status == ReportStatus.RETURNED:
                report.review_note = "财务报表数据不完整，请补充后重新提交。"
            reports.append(report)
    AnnualReport.objects.bulk_create(reports, batch_size=BATCH)
    return len(reports)


def _seed_grades(rng: random.Random, tenant: Tenant, organizations: list[Organization],
                 today: datetime.date) -> int:
    configured = dict(GradeBand.objects.filter(tenant=tenant).values_list("grade", "min_score"))
    bands = configured if set(configured) == set(DEFAULT_GRADE_BANDS) else DEFAULT_GRADE_BANDS
    grades = []
    for org in organizations:
        if org.status != OrgStatus.ACTIVE or not org.registered_date or rng.random() >= 0.3:
            continue
        earliest = org.registered_date.replace(year=org.registered_date.year + 2, day=1)
        if earliest > today:
            continue
        awarded = _date_between(rng, max(earliest, today - datetime.timedelta(days=6 * 365)), today)
        score = rng.randint(550, 980)
        expires = EvaluationGrade.expiry_for(awarded)
        grades.append(EvaluationGrade(
            tenant=tenant, organization_id=org.pk, score=score, grade=_grade_for(score, bands),
            awarded_date=awarded, expires_date=expires,
            status=GradeStatus.VALID if expires > today else GradeStatus.EXPIRED,
            note=f"{awarded.year}年度社会组织等级评估",
        ))
    EvaluationGrade.objects.bulk_create(grades, batch_size=BATCH)
    return len(grades)


def _seed_credit(rng: random.Random, tenant: Tenant, organizations: list[Organization],
                 today: datetime.date) -> int:
    prefix = tenant.name[:1]
    records = []
    number = 0
    for org in organizations:
        if org.status == OrgStatus.PENDING:
            continue
        number += 1
        if org.status == OrgStatus.REVOKED:
            records.append(CreditRecord(
                tenant=tenant, organization_id=org.pk, list_type=CreditList.SERIOUS,
                reason=CreditReason.REGISTRATION_REVOKED, source=CreditSource.MANUAL,
                listed_on=_date_between(rng, today - datetime.timedelta(days=700), today),
                decision_number=f"{prefix}民撤字〔{today.year - 1}〕第{number}号", note="被撤销登记。",
            ))
            continue
        roll = rng.random()
        if roll < 0.03:
            listed = _date_between(rng, today - datetime.timedelta(days=400), today)
            removed = listed + datetime.timedelta(days=183)  # no rectification needed: 6 months after listing
            records.append(CreditRecord(
                tenant=tenant, organization_id=org.pk, list_type=CreditList.ABNORMAL,
                reason=CreditReason.WARNING_OR_SMALL_FINE, source=CreditSource.MANUAL, listed_on=listed,
                decision_number=f"{prefix}民罚决字〔{listed.year}〕第{number}号",
                note="未按规定开展活动，给予警告。",
                removed_on=removed if removed <= today else None,
                removal_reason="列入满6个月，移出活动异常名录。" if removed <= today else "",
            ))
        elif roll < 0.05:
            listed = _date_between(rng, today - datetime.timedelta(days=300), today)
            records.append(CreditRecord(
                tenant=tenant, organization_id=org.pk, list_type=CreditList.ABNORMAL,
                reason=CreditReason.UNREACHABLE, source=CreditSource.MANUAL, listed_on=listed,
                note="两次挂号信函间隔30日均无人签收，通过登记的住所无法联系。",
            ))
    CreditRecord.objects.bulk_create(records, batch_size=BATCH)
    return len(records)


def link_org_user(*, tenant: Tenant, username: str, actor=None) -> str | None:
    """Give the demo organization user a membership of the tenant's first organization (idempotent)."""
    user = User.objects.filter(username=username, tenant=tenant).first()
    if user is None or OrgMembership.objects.filter(user=user).exists():
        return None
    organization = Organization.objects.filter(tenant=tenant).order_by("id").first()
    if organization is None:
        return None
    OrgMembership.objects.create(tenant=tenant, user=user, organization=organization)
    audit_record(actor=actor, action="org_membership.create", obj=organization, tenant=tenant,
                 changes={"user": username, "organization": organization.name})
    return f"{username} → {organization.name}"


def seed_orgs_demo(*, counts: dict[str, int] | None = None, seed: int = DEFAULT_SEED) -> list[SeedResult]:
    """Registry data for the demo tenants of ``governance.demo`` (run ``seed_demo`` first)."""
    counts = counts or DEMO_COUNTS
    results = []
    for slug, count in counts.items():
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            continue
        with tenant_context(tenant):
            result = seed_organizations(tenant=tenant, count=count, seed=seed)
            username = DEMO_ORG_USERS.get(slug)
            if username:
                with transaction.atomic():
                    link = link_org_user(tenant=tenant, username=username)
                if link:
                    result.memberships.append(link)
        results.append(result)
    return results


def seed_for_demo(*, scale: int | None = None, stdout=None) -> None:
    """The registry's demo seeder (``manage.py seed_demo``): 300 organizations in Hengyang (or ``scale``)."""
    hengyang = scale or DEMO_COUNTS["hengyang"]
    counts = {"hengyang": hengyang, "zhuzhou": DEMO_COUNTS["zhuzhou"]}
    for result in seed_orgs_demo(counts=counts):
        if stdout is not None:
            stdout.write(f"  {result.summary()}")
