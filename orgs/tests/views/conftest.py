"""Workflow page tests: uploads go to a temporary media root; ``member_org`` has org_a as its member."""

from __future__ import annotations

import pytest

from governance.tenancy import tenant_context
from orgs.tests.factories import MembershipFactory, OrganizationFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def member_org(tree_a, users):
    """An active organization in 建设社区 with org_a as its member."""
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"], name="建设社区为老服务中心")
        MembershipFactory(organization=org, user=users["org_a"])
    return org
