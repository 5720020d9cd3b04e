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

from django.db import transaction
from django.utils import timezone

from governance.audit import audit_record
from governance.models import Tenant, User
from governance.pinyin import pinyin_sort_key
from governance.standards import make_uscc
from governance.tenancy import tenant_context
from orgs.demo.generators import (
    BATCH,
    SUPERVISORS,
    D,
    F,
    _base31,
    _date_between,
    _free_usccs,
    _org_name,
    _person,
    _phone,
    _pick_kind,
    _Places,
)
from orgs.demo.history import _aware, _ensure_ids, _seed_credit, _seed_grades, _seed_reports
from orgs.models import (
    KIND_USCC_TYPES,
    Filing,
    FilingStatus,
    Organization,
    OrganizationDomain,
    OrgKind,
    OrgMembership,
    OrgStatus,
)
from orgs.services.list_flags import organization_refresh_flags

DEMO_COUNTS = {"hengyang": 300, "zhuzhou": 60}
NUMBER_PENDING = "待编号"  # a filed group's number until _assign_filing_numbers draws it
DEMO_ORG_USERS = {"hengyang": "hy_org", "zhuzhou": "zz_org"}
DEFAULT_SEED = 2026


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
                    filing_number = NUMBER_PENDING  # drawn below, in the tenant's format
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
                tenant=tenant, region=region, name=name, name_pinyin=pinyin_sort_key(name), kind=kind,
                uscc=candidates.get(index),
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
        _assign_filing_numbers(tenant, [org for org in organizations if org.filing_number == NUMBER_PENDING])
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
        organization_refresh_flags(org_ids=[org.pk for org in organizations])
        result.organizations = len(organizations)
        result.domains = len(domain_rows)
        result.filings = len(filing_rows)
        audit_record(actor=actor, action="organization.seed_demo", tenant=tenant,
                     changes={"organizations": new, "annual_reports": result.annual_reports,
                              "grades": result.grades, "credit_records": result.credit_records})
    return result


def _assign_filing_numbers(tenant: Tenant, organizations: list[Organization]) -> None:
    """Filed groups get numbers of the tenant's format (registry settings), drawn per year of filing."""
    from orgs.services.numbering import filing_numbers_reserve, street_code

    by_year: dict[int, list[Organization]] = {}
    for org in organizations:
        by_year.setdefault(org.registered_date.year, []).append(org)
    for year, orgs in sorted(by_year.items()):
        numbers = filing_numbers_reserve(tenant=tenant, year=year, streets=[street_code(org.region) for org in orgs])
        for org, number in zip(orgs, numbers, strict=True):
            org.filing_number = number


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
