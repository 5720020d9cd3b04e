"""factory_boy factories of projects. Use them inside ``tenant_context(tenant)``; pass ``region=``."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from projects.models import (
    Application,
    Award,
    Bid,
    BudgetLine,
    Contract,
    Expert,
    FundingProgram,
    Indicator,
    IndicatorKind,
    PaymentTranche,
    ProgramKind,
    ProgramStatus,
    ReviewCriterion,
    ReviewTemplate,
    Tender,
)


class ReviewTemplateFactory(DjangoModelFactory):
    class Meta:
        model = ReviewTemplate

    name = factory.Sequence(lambda n: f"评审模板{n}")


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = ReviewCriterion

    template = None
    tenant = factory.LazyAttribute(lambda o: o.template.tenant)
    position = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"评审指标{n}")
    weight = Decimal("25")
    min_score = Decimal("0")
    max_score = Decimal("10")


def template_with_criteria(weights=(40, 30, 30), max_score=10):
    """A template whose criteria carry ``weights`` (each scored 0..max_score)."""
    template = ReviewTemplateFactory()
    for position, weight in enumerate(weights):
        CriterionFactory(template=template, position=position, weight=Decimal(weight),
                         max_score=Decimal(max_score))
    return template


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = FundingProgram

    region = None
    tenant = factory.LazyAttribute(lambda o: o.region.tenant)
    name = factory.Sequence(lambda n: f"社区服务项目{n}")
    kind = ProgramKind.GOVERNMENT_PURCHASE
    year = 2026
    status = ProgramStatus.OPEN
    budget_pool = Decimal("500000")
    cap_per_application = Decimal("100000")
    application_opens = datetime.date(2026, 1, 1)
    application_closes = datetime.date(2026, 12, 31)
    review_opens = datetime.date(2026, 1, 1)
    review_closes = datetime.date(2026, 12, 31)
    review_template = None


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    program = None
    region = None
    tenant = factory.LazyAttribute(lambda o: o.region.tenant)
    number = factory.Sequence(lambda n: f"SQ2026-{n:05d}")
    title = factory.Sequence(lambda n: f"居家养老服务项目{n}")
    need_statement = "辖区独居老人较多，需要上门探访与助餐服务。"
    target_groups = "独居老人"
    beneficiaries = 120


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = None
    tenant = factory.LazyAttribute(lambda o: o.application.tenant)
    category = "activities"
    amount = Decimal("10000")
    rationale = "活动物资与场地"


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    application = None
    tenant = factory.LazyAttribute(lambda o: o.application.tenant)
    name = factory.Sequence(lambda n: f"服务人次{n}")
    kind = IndicatorKind.OUTPUT
    unit = "人次"
    baseline = Decimal("0")
    target = Decimal("500")
    weight = Decimal("50")


class ExpertFactory(DjangoModelFactory):
    class Meta:
        model = Expert

    region = None
    tenant = factory.LazyAttribute(lambda o: o.region.tenant)
    name = factory.Sequence(lambda n: f"专家{n:03d}")
    title = "副教授"
    affiliation = "衡阳师范学院"
    fields = factory.LazyFunction(lambda: ["elderly"])


class TenderFactory(DjangoModelFactory):
    class Meta:
        model = Tender

    application = None
    region = factory.LazyAttribute(lambda o: o.application.program.region)
    tenant = factory.LazyAttribute(lambda o: o.application.tenant)
    ocid = factory.Sequence(lambda n: f"ocds-gov-{n:06d}")
    title = factory.LazyAttribute(lambda o: o.application.title)
    budget_amount = Decimal("80000")
    bid_opens = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    bid_closes = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


class BidFactory(DjangoModelFactory):
    class Meta:
        model = Bid

    tender = None
    organization = None
    tenant = factory.LazyAttribute(lambda o: o.tender.tenant)
    proposal = "项目方案：上门探访、助餐、健康讲座。"
    team_size = 5
    team_social_workers = 2
    price = Decimal("75000")


class AwardFactory(DjangoModelFactory):
    class Meta:
        model = Award

    bid = None
    tender = factory.LazyAttribute(lambda o: o.bid.tender)
    organization = factory.LazyAttribute(lambda o: o.bid.organization)
    tenant = factory.LazyAttribute(lambda o: o.bid.tenant)
    amount = factory.LazyAttribute(lambda o: o.bid.price)
    reason = "综合得分最高"
    standstill_ends = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract

    application = None
    organization = None
    region = factory.LazyAttribute(lambda o: o.application.program.region)
    tenant = factory.LazyAttribute(lambda o: o.application.tenant)
    buyer_name = "广东路街道办事处"
    number = factory.Sequence(lambda n: f"HT2026-{n:05d}")
    title = factory.LazyAttribute(lambda o: o.application.title)
    amount = Decimal("75000")
    start_date = datetime.date(2026, 3, 1)
    end_date = datetime.date(2027, 2, 28)


class TrancheFactory(DjangoModelFactory):
    class Meta:
        model = PaymentTranche

    contract = None
    tenant = factory.LazyAttribute(lambda o: o.contract.tenant)
    sequence = factory.Sequence(lambda n: n + 1)
    percentage = Decimal("50")
    trigger = "signing"
