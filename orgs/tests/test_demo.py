"""Demo registry data: realistic, valid and idempotent."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from governance.demo import seed_demo
from governance.models import Tenant
from governance.tenancy import tenant_context
from orgs.models import (
    AnnualReport,
    CreditRecord,
    EvaluationGrade,
    Organization,
    OrganizationDomain,
    OrgKind,
    OrgMembership,
    OrgStatus,
    ReportStatus,
)
from orgs.validation import identity_errors


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _run(**options) -> str:
    out = io.StringIO()
    call_command("seed_orgs", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_orgs_creates_valid_demo_data_once():
    seed_demo(communities_per_street=1, grids_per_community=1)
    first = _run(count=60)
    assert "hengyang: created 60 organizations" in first
    assert "zhuzhou: created 12 organizations" in first
    assert "linked hy_org → 衡阳市阳光社会工作服务中心" in first

    hengyang = Tenant.objects.get(slug="hengyang")
    with tenant_context(hengyang):
        organizations = list(Organization.objects.select_related("region"))
        counts = (Organization.objects.count(), OrganizationDomain.objects.count(), AnnualReport.objects.count(),
                  EvaluationGrade.objects.count(), CreditRecord.objects.count())
        assert len(organizations) == 60
        assert {org.kind for org in organizations} >= {OrgKind.COMMUNITY_GROUP, OrgKind.ASSOCIATION,
                                                       OrgKind.SERVICE_INSTITUTION}
        for org in organizations:
            assert org.region.tenant_id == hengyang.pk
            if org.status != OrgStatus.PENDING:  # a pending filing has no number yet
                assert identity_errors(kind=org.kind, uscc=org.uscc, filing_number=org.filing_number) == {}
            if org.filing_number:  # the tenant's format (registry settings), per year of filing
                assert re.fullmatch(r"衡社备〔(\d{4})〕\d{5}号", org.filing_number), org.filing_number
                assert org.filing_number[4:8] == str(org.registered_date.year)
            assert org.region.path.startswith("4304/")
        assert all(org.domains.exists() for org in organizations[:10])
        assert AnnualReport.objects.filter(status=ReportStatus.REVIEWED).exclude(conclusion="").exists()
        assert OrgMembership.objects.filter(user__username="hy_org").count() == 1

    second = _run(count=60)
    assert "hengyang: already has 60 organizations" in second
    assert "nothing created" in second
    assert "linked" not in second
    with tenant_context(hengyang):
        assert counts == (Organization.objects.count(), OrganizationDomain.objects.count(),
                          AnnualReport.objects.count(), EvaluationGrade.objects.count(),
                          CreditRecord.objects.count())

    # --scale tops the tenant up without touching what exists.
    third = _run(count=60, scale=75, tenant="hengyang")
    assert "hengyang: created 15 organizations (60 existed)" in third
    with tenant_context(hengyang):
        assert Organization.objects.count() == 75
        assert Organization.objects.filter(uscc__isnull=False).values("uscc").distinct().count() == \
            Organization.objects.filter(uscc__isnull=False).count()
