"""factory_boy factories of the registry. Use them inside ``tenant_context(tenant)``.

Codes are built with ``governance.standards.make_uscc`` so every organization gets a valid, unique
credit code whose type character matches its kind.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from governance.pinyin import pinyin_sort_key
from governance.standards import make_uscc
from orgs.models import (
    AnnualReport,
    CreditList,
    CreditReason,
    CreditRecord,
    CreditSource,
    EvaluationGrade,
    Filing,
    FilingStatus,
    Organization,
    OrgKind,
    OrgMembership,
    OrgStatus,
    ReportStatus,
)
from orgs.services.list_flags import organization_refresh_flags

USCC_TYPE_FOR_KIND = {
    OrgKind.ASSOCIATION: "1",
    OrgKind.SERVICE_INSTITUTION: "2",
    OrgKind.FOUNDATION: "3",
    OrgKind.COMMUNITY_GROUP: "9",
}


def uscc_for(n: int, kind: str = OrgKind.ASSOCIATION, division: str = "430405") -> str:
    """A valid civil-affairs credit code for the n-th test organization."""
    return make_uscc("5", USCC_TYPE_FOR_KIND[kind], division, "MJ%06d" % n)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    region = None  # required: pass the Region
    tenant = factory.LazyAttribute(lambda o: o.region.tenant)
    name = factory.Sequence(lambda n: f"测试社会组织{n:04d}")
    name_pinyin = factory.LazyAttribute(lambda o: pinyin_sort_key(o.name))
    kind = OrgKind.ASSOCIATION
    uscc = factory.LazyAttributeSequence(lambda o, n: uscc_for(n + 1, o.kind))
    legal_representative = "张三"
    contact_person = "李四"
    contact_phone = "0734-1234567"
    status = OrgStatus.ACTIVE
    registered_date = datetime.date(2018, 3, 1)
    established_date = datetime.date(2018, 1, 15)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = OrgMembership

    organization = None
    user = None
    tenant = factory.LazyAttribute(lambda o: o.organization.tenant)


class FilingFactory(DjangoModelFactory):
    class Meta:
        model = Filing

    organization = factory.SubFactory(
        OrganizationFactory, region=factory.SelfAttribute("..region"), kind=OrgKind.COMMUNITY_GROUP,
        uscc=None, status=OrgStatus.PENDING, registered_date=None,
    )
    tenant = factory.LazyAttribute(lambda o: o.organization.tenant)
    status = FilingStatus.SUBMITTED

    class Params:
        region = None


class AnnualReportFactory(DjangoModelFactory):
    class Meta:
        model = AnnualReport

    organization = None
    tenant = factory.LazyAttribute(lambda o: o.organization.tenant)
    year = 2024
    due_date = datetime.date(2025, 5, 31)
    status = ReportStatus.OPEN
    # Enough to be submitted (an empty report is refused): a summary and one figure.
    activities_summary = "全年开展社区活动 12 场"
    spending = Decimal("800.00")


class CreditRecordFactory(DjangoModelFactory):
    class Meta:
        model = CreditRecord

    organization = None
    tenant = factory.LazyAttribute(lambda o: o.organization.tenant)
    list_type = CreditList.ABNORMAL
    reason = CreditReason.UNREACHABLE
    source = CreditSource.MANUAL
    listed_on = datetime.date(2024, 1, 10)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:  # the organization's list columns follow, as the services keep them
            organization_refresh_flags(org_ids=[instance.organization_id])


class EvaluationGradeFactory(DjangoModelFactory):
    class Meta:
        model = EvaluationGrade

    organization = None
    tenant = factory.LazyAttribute(lambda o: o.organization.tenant)
    score = 850
    grade = "4A"
    awarded_date = datetime.date(2023, 6, 1)
    expires_date = factory.LazyAttribute(lambda o: EvaluationGrade.expiry_for(o.awarded_date))

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            organization_refresh_flags(org_ids=[instance.organization_id])


def audit_marker() -> int:
    """The id of the newest audit event, of any tenant (compare with ``audit_actions_since``)."""
    from governance.models import AuditEvent

    return AuditEvent.unscoped.order_by("-id").values_list("id", flat=True).first() or 0


def audit_actions_since(marker: int) -> list[str]:
    from governance.models import AuditEvent

    return list(AuditEvent.unscoped.filter(id__gt=marker).order_by("id").values_list("action", flat=True))
