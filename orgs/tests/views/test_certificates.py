"""The filing certificate (备案证明): printable for staff of the subtree and the organization's own users, a QR
code to a public verification page that shows only name, number and validity; a 404 for everyone else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from governance.models import Role
from governance.tenancy import tenant_context
from orgs import services
from orgs.certificates import certificate_token
from orgs.models import OrgKind, OrgStatus
from orgs.tests.factories import MembershipFactory, OrganizationFactory
from orgs.tests.views.support import EN, body

NUMBER = "衡社备〔2024〕00143号"


@pytest.fixture
def filed(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"], kind=OrgKind.COMMUNITY_GROUP, uscc=None,
                                  filing_number=NUMBER, name="建设社区夕阳红志愿服务队", legal_representative="王芳",
                                  address="建设路8号", contact_phone="13812345678")
        MembershipFactory(organization=org, user=users["org_a"])
    return org


def _verify_url(org) -> str:
    return reverse("orgs:certificate-verify", args=[certificate_token(org)])


@pytest.mark.parametrize("role", ("admin_a", "street_a", "community_a", "auditor_a", "org_a"))
def test_certificate_page_for_staff_and_the_organization(filed, users, client_for, role):
    page = body(client_for(users[role]).get(reverse("orgs:certificate", args=[filed.pk]), **EN))
    assert NUMBER in page and "建设社区夕阳红志愿服务队" in page and "王芳" in page and "建设路8号" in page
    assert "衡阳市民政局" in page  # the tenant's authority
    assert "<svg" in page and "certificate-qr" in page and _verify_url(filed) in page
    assert "css/certificate.css" in page and "<script>" not in page  # print CSS; no inline script (CSP)
    assert "13812345678" not in page  # the certificate carries no phone


def test_certificate_is_a_404_outside_the_scope(tree_a, tree_b, filed, users, client_for):
    url = reverse("orgs:certificate", args=[filed.pk])
    for role in ("street2_a", "admin_b", "expert_a", "norole_a"):
        assert client_for(users[role]).get(url).status_code == 404, role
    assert Client().get(url).status_code == 302  # sign in first
    # The user of another organization: a 404 too.
    with tenant_context(tree_a["tenant"]):
        other = OrganizationFactory(region=tree_a["community"], kind=OrgKind.COMMUNITY_GROUP, uscc=None,
                                    filing_number="衡社备〔2024〕00999号", name="另一个队")
    outsider = make_user(tree_a["tenant"], "org_other", Role.ORG_USER, tree_a["root"])
    with tenant_context(tree_a["tenant"]):
        MembershipFactory(organization=other, user=outsider)
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).get(reverse("orgs:certificate", args=[other.pk])).status_code == 200
    with tenant_context(tree_a["tenant"]):
        registered = OrganizationFactory(region=tree_a["community"])  # an association: registered, not filed
        pending = OrganizationFactory(region=tree_a["community"], kind=OrgKind.COMMUNITY_GROUP, uscc=None,
                                      status=OrgStatus.PENDING, name="审核中的队")
    for org in (registered, pending):
        assert client_for(users["admin_a"]).get(reverse("orgs:certificate", args=[org.pk])).status_code == 404


def test_links_from_the_detail_page_and_the_portal(filed, users, client_for):
    url = reverse("orgs:certificate", args=[filed.pk])
    assert url in body(client_for(users["street_a"]).get(reverse("orgs:detail", args=[filed.pk])))
    assert url in body(client_for(users["org_a"]).get(reverse("orgs:portal")))


def test_verification_page_is_public_and_shows_only_name_number_and_validity(tree_a, filed, users):
    anonymous = Client()
    page = body(anonymous.get(_verify_url(filed), **EN))
    assert "This certificate is valid" in page and NUMBER in page and "建设社区夕阳红志愿服务队" in page
    assert "王芳" not in page and "建设路8号" not in page and "13812345678" not in page
    # A tampered or invented token is a 404.
    token = certificate_token(filed)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "abc", "1:2:3"):
        assert anonymous.get(reverse("orgs:certificate-verify", args=[bad])).status_code == 404
    # Deregistered: the same link now says the certificate is no longer valid.
    with tenant_context(tree_a["tenant"]):
        services.organization_set_status(actor=users["street_a"], organization=filed, status=OrgStatus.DEREGISTERED,
                                         note="自行解散")
    page = body(anonymous.get(_verify_url(filed), **EN))
    assert "no longer valid" in page


def test_a_replaced_filing_number_invalidates_the_old_link(tree_a, filed):
    old = _verify_url(filed)
    with tenant_context(tree_a["tenant"]):
        filed.filing_number = "衡社备〔2024〕00999号"
        filed.save(update_fields=["filing_number"])
    assert Client().get(old).status_code == 404
    assert Client().get(_verify_url(filed)).status_code == 200
