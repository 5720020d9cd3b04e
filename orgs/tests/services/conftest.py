"""Service tests run inside tenant A (``a``); ``org`` is an active association with org_a as its member."""

from __future__ import annotations

import pytest

from governance.tenancy import tenant_context
from orgs.tests.factories import MembershipFactory, OrganizationFactory


@pytest.fixture
def a(tree_a):
    with tenant_context(tree_a["tenant"]) as tenant:
        yield tenant


@pytest.fixture
def org(tree_a, users):
    """An active association in 建设社区 (street_a, community_a), org_a is its member."""
    with tenant_context(tree_a["tenant"]):
        organization = OrganizationFactory(region=tree_a["community"], name="建设社区老年协会")
        MembershipFactory(organization=organization, user=users["org_a"])
    return organization
