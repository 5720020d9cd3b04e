"""Demo data of projects (``manage.py seed_demo``): for each demo tenant, an expert pool with accounts,
a review template and programs over three years, with applications drawn, scored, ranked and decided
in past years and in every state this year. Everything goes through the services (audited). Idempotent:
a tenant that already has programs is left alone."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance import services as core
from governance.models import RoleAssignment, Tenant, User
from governance.models.accounts import Role
from governance.tenancy import tenant_context
from orgs.models import Organization, ServiceDomain
from projects import services
from projects.models import ApplicationStatus, FundingProgram, ProgramKind, ProgramStatus, RelationKind
from projects.services import application_files

TENANTS = {"hengyang": "hy", "zhuzhou": "zz"}
CRITERIA = [("需求契合度", 30, "项目是否回应居民真实需求，需求调研是否充分。"),
            ("方案可行性", 25, "服务内容、进度安排和风险应对是否清晰可行。"),
            ("预算合理性", 20, "预算科目与服务内容是否匹配，单价是否合理。"),
            ("团队能力", 15, "执行团队的专业资质与以往项目经验。"),
            ("可持续性", 10, "项目结束后能否持续发挥作用。")]
TITLES = ["独居老人关爱", "四点半课堂", "残疾人康复陪伴", "社区邻里节", "垃圾分类宣传", "困境儿童帮扶",
          "社区法律咨询", "老年人智能手机培训", "楼栋长能力建设", "社区微更新议事"]
EXPERT_NAMES = ["王建国", "李淑芬", "张志强", "刘敏", "陈晓东", "杨丽", "赵国华", "黄海燕", "周伟", "吴芳",
                "徐斌", "孙红梅"]


def _user(prefix: str, suffix: str):
    return User.objects.filter(username=f"{prefix}_{suffix}").first()


def _region_of(user, role):
    assignment = RoleAssignment.objects.filter(user=user, role=role).select_related("region").first()
    return assignment.region if assignment else None


def _experts(*, tenant, prefix, street_user, pool_region, rng, organizations):
    experts = []
    for index, name in enumerate(EXPERT_NAMES):
        username = f"{prefix}_expert" if index == 0 else f"{prefix}_expert{index:02d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = core.user_create(actor=None, tenant=tenant, username=username, password=settings.DEMO_PASSWORD,
                                    display_name=f"评审专家{name}")
            core.role_assign(actor=None, user=user, region=tenant_root(tenant), role=Role.EXPERT)
        employer = organizations[index % len(organizations)] if index % 4 == 3 and organizations else None
        expert = services.expert_create(
            actor=street_user, region=pool_region, name=name, title=rng.choice(["教授", "副教授", "高级社会工作师",
                                                                               "社会工作师", "律师"]),
            affiliation=rng.choice(["衡阳师范学院", "南华大学", "市社工协会", "市律师协会", "湖南工学院"]),
            employer=employer, fields=rng.sample(list(ServiceDomain.values), 2), user=user)
        if index % 5 == 1 and organizations:
            services.relation_declare(actor=street_user, expert=expert, organization=rng.choice(organizations),
                                      kind=RelationKind.CONSULTANT, reason="曾担任该机构项目顾问")
        experts.append(expert)
    return experts


def tenant_root(tenant):
    return core.tenant_root(tenant)


def _application(*, program, community, user, rng, index, organizations):
    amount = int(program.cap_per_application) // 1000 * rng.randint(60, 100) // 100 * 1000
    lines = [{"category": "personnel", "amount": Decimal(amount * 4 // 10), "rationale": "社工及督导劳务"},
             {"category": "activities", "amount": Decimal(amount * 4 // 10), "rationale": "活动物资与场地"},
             {"category": "management", "amount": Decimal(amount - amount * 8 // 10), "rationale": "项目管理与宣传"}]
    indicators = [
        {"name": "服务人次", "kind": "output", "unit": "人次", "baseline": 0, "target": rng.randint(300, 1200),
         "weight": 40},
        {"name": "开展活动", "kind": "process", "unit": "场", "baseline": 0, "target": rng.randint(12, 40), "weight": 20},
        {"name": "居民满意度", "kind": "satisfaction", "unit": "%", "baseline": 80, "target": 95, "weight": 25},
        {"name": "问题解决率", "kind": "outcome", "unit": "%", "baseline": 50, "target": 80, "weight": 15},
    ]
    title = f"{community.name}{TITLES[index % len(TITLES)]}项目"
    return services.application_create(
        actor=user, program=program, region=community, title=title,
        need_statement=f"{community.name}居民反映{TITLES[index % len(TITLES)]}方面需求突出，经入户走访和议事会讨论后申报。",
        target_groups=rng.choice(["老年人", "儿童青少年", "残疾人", "全体居民"]), beneficiaries=rng.randint(80, 600),
        budget_lines=lines, indicators=indicators,
        likely_bidders=rng.sample(organizations, min(2, len(organizations))))


def _review(*, application, street_user, rng):
    services.application_submit(actor=street_user, application=application)
    services.application_start_review(actor=street_user, application=application,
                                      seed=f"demo-{application.number}")
    criteria = list(application.program.review_template.criteria.all())
    quality = rng.uniform(0.5, 0.95)
    for assignment in list(application.assignments.select_related("expert__user")):
        scores = []
        for criterion in criteria:
            value = max(0, min(10, round(quality * 10 + rng.uniform(-1.5, 1.5), 1)))
            scores.append({"criterion": criterion.pk, "score": None if rng.random() < 0.05 else Decimal(str(value))})
        if all(s["score"] is None for s in scores):
            scores[0]["score"] = Decimal("7")
        services.scores_save(actor=assignment.expert.user, assignment=assignment, scores=scores, submit=True)


def _program(*, street_user, region, year, kind, name, template, today):
    return services.program_create(
        actor=street_user, region=region, name=name, kind=kind, year=year, status=ProgramStatus.OPEN,
        budget_pool=Decimal("300000"), cap_per_application=Decimal("80000"), application_opens=today.replace(day=1),
        application_closes=today + datetime.timedelta(days=30), review_opens=today.replace(day=1),
        review_closes=today + datetime.timedelta(days=60), review_template=template, experts_per_application=5,
        min_grade="" if kind != ProgramKind.GOVERNMENT_PURCHASE else "3A", min_years_registered=1,
        description=f"{year}年度{region.name}{name}，面向辖区社区征集服务项目。")


def seed_tenant(*, tenant, prefix: str, seed: int = 2026) -> int:
    rng = random.Random(seed)
    street_user = _user(prefix, "street")
    community_user = _user(prefix, "community")
    if street_user is None:
        return 0
    street = _region_of(street_user, Role.STREET_STAFF)
    if street is None or FundingProgram.objects.exists():
        return 0
    communities = list(street.children.order_by("code")[:6]) if hasattr(street, "children") else []
    if not communities:
        from governance.models import Region
        communities = list(Region.objects.filter(parent=street).order_by("code")[:6])
    organizations = list(Organization.objects.filter(status="active").order_by("pk")[:20])
    today = timezone.localdate()
    template = services.review_template_save(
        actor=street_user, name="社区服务项目评审标准",
        criteria=[{"name": n, "weight": Decimal(w), "min_score": Decimal(0), "max_score": Decimal(10), "guidance": g}
                  for n, w, g in CRITERIA])
    _experts(tenant=tenant, prefix=prefix, street_user=street_user, pool_region=street, rng=rng,
             organizations=organizations)
    created = 0
    for offset in (2, 1, 0):
        year = today.year - offset
        program = _program(street_user=street_user, region=street, year=year, kind=ProgramKind.GOVERNMENT_PURCHASE,
                           name="政府购买社区服务项目", template=template, today=today)
        apps = [_application(program=program, community=communities[i % len(communities)], user=street_user,
                             rng=rng, index=i + offset * 3, organizations=organizations) for i in range(5)]
        created += len(apps)
        if offset:
            for application in apps:
                _review(application=application, street_user=street_user, rng=rng)
            services.program_rank_and_approve(actor=street_user, program=program)
            start = datetime.date(year, 3, 1)
            services.program_update(actor=street_user, program=program,
                                    application_opens=start, application_closes=datetime.date(year, 3, 31),
                                    review_opens=datetime.date(year, 4, 1), review_closes=datetime.date(year, 4, 30))
            for step in (ProgramStatus.REVIEWING, ProgramStatus.CLOSED):
                services.program_transition(actor=street_user, program=program, to=step)
        else:  # this year: every state
            _review(application=apps[0], street_user=street_user, rng=rng)
            services.application_submit(actor=street_user, application=apps[1])
            services.application_start_review(actor=street_user, application=apps[1], seed=f"demo-{apps[1].number}")
            services.application_submit(actor=street_user, application=apps[2])
            services.application_submit(actor=street_user, application=apps[3])
            services.application_decide(actor=street_user, application=apps[3], to=ApplicationStatus.RETURNED,
                                        note="请补充需求调研数据和预算测算依据。")
            application_files.application_attachment_add(
                actor=street_user, application=apps[3], uploaded_file=_demo_pdf("需求调研报告.pdf", apps[3].title))
    fund = services.program_create(
        actor=street_user, region=street, name="社区自治金", kind=ProgramKind.SELF_GOVERNANCE_FUND, year=today.year,
        status=ProgramStatus.OPEN, budget_pool=Decimal("100000"), cap_per_application=Decimal("20000"),
        application_opens=today.replace(day=1), application_closes=today + datetime.timedelta(days=30),
        review_opens=today.replace(day=1), review_closes=today + datetime.timedelta(days=45),
        require_not_credit_listed=False, require_active=False)
    actor = community_user or street_user
    community = _region_of(community_user, Role.COMMUNITY_STAFF) if community_user else communities[0]
    small = services.application_create(
        actor=actor, program=fund, region=community, title=f"{community.name}楼道微改造", need_statement="楼道照明老化，居民议事会提出改造。",
        target_groups="全体居民", beneficiaries=300,
        budget_lines=[{"category": "materials", "amount": Decimal("12000"), "rationale": "声控灯及线路"}],
        indicators=[{"name": "改造楼道", "kind": "output", "unit": "个", "baseline": 0, "target": 24, "weight": 100}],
        cosigners=[{"name": "居民代表刘大爷", "capacity": "楼栋长", "signed_on": today},
                   {"name": "居民代表王阿姨", "capacity": "居民小组长", "signed_on": today}])
    application_files.application_attachment_add(actor=actor, application=small,
                                                 uploaded_file=_demo_pdf("居民议事会提议.pdf", small.title))
    services.application_submit(actor=actor, application=small)
    services.consultation_record(actor=street_user, application=small, held_on=today, venue="社区议事厅",
                                 participants=35, votes_for=30, votes_against=3, votes_abstain=2,
                                 minutes="居民代表讨论楼道照明改造方案，表决通过。")
    return created + 1


def _demo_pdf(name: str, title: str):
    """A one-page PDF standing in for a scanned document of the demo (its text is the application's title)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = title.encode("unicode_escape").decode("ascii").replace("(", "").replace(")", "")
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
            b"4 0 obj<</Length " + str(len(stream)).encode() + b">>stream\n" + stream + b"\nendstream endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def each_demo_tenant(seed_tenant, *, stdout=None, what: str) -> None:
    """Run ``seed_tenant(tenant=..., prefix=...)`` inside each demo tenant (its scope, one transaction) and print
    ``what`` with the count it returns: every projects seeder's entry point."""
    for slug, prefix in TENANTS.items():
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            continue
        with tenant_context(tenant), transaction.atomic():
            n = seed_tenant(tenant=tenant, prefix=prefix)
        if stdout is not None:
            stdout.write(f"  {what} {slug}: {n}")


def seed_for_demo(*, scale: int | None = None, stdout=None) -> None:
    each_demo_tenant(seed_tenant, stdout=stdout, what="projects (applications)")
