"""The demo seeder: both tenants, programs over three years, every step through the services, idempotent."""

from __future__ import annotations

import pytest

from governance.demo import seed_demo
from governance.models import Tenant
from governance.tenancy import tenant_context
from orgs.demo import seed_orgs_demo
from projects.demo import seed_for_demo
from projects.models import (
    Application,
    ApplicationAttachment,
    ApplicationCosigner,
    FundingProgram,
    ReviewDraw,
)
from projects.services.draw import redraw_matches


@pytest.mark.django_db
def test_demo_projects_in_both_tenants_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo attachments
    seed_demo(communities_per_street=2, grids_per_community=1)
    seed_orgs_demo(counts={"hengyang": 20, "zhuzhou": 8})
    seed_for_demo()
    for slug in ("hengyang", "zhuzhou"):
        with tenant_context(Tenant.objects.get(slug=slug)):
            years = set(FundingProgram.objects.values_list("year", flat=True))
            assert len(years) == 3
            statuses = set(Application.objects.values_list("status", flat=True))
            assert {"approved", "in_review", "submitted", "returned", "draft"} <= statuses
            for program in FundingProgram.objects.all():
                approved = sum(a.approved_amount for a in program.applications.filter(status="approved"))
                assert approved <= program.budget_pool
            for draw in ReviewDraw.objects.all():
                assert redraw_matches(seed=draw.seed, snapshot=draw.pool_snapshot, count=draw.requested,
                                      result=draw.result)
            # A returned application and a self-governance fund application carry a document; the latter two
            # residents' co-signatures.
            assert ApplicationAttachment.objects.filter(application__status="returned").exists()
            assert ApplicationAttachment.objects.filter(application__program__kind="self_governance_fund").exists()
            assert ApplicationCosigner.objects.count() >= 2
            before = Application.objects.count()
    seed_for_demo()
    with tenant_context(Tenant.objects.get(slug="zhuzhou")):
        assert Application.objects.count() == before
