"""Issue 7 item 11 through HTTP: a registered organization's status and registration data belong to the
registration authority (the tenant's civil-affairs role, tenant admin); the street keeps its contact data and
the filed community groups of its street."""

from __future__ import annotations

from django.urls import reverse

from governance.tenancy import tenant_context
from orgs.models import Organization, OrgKind, OrgStatus
from orgs.tests.factories import OrganizationFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _orgs(tree):
    with tenant_context(tree["tenant"]):
        association = OrganizationFactory(region=tree["community"], name="建设社区老年协会",
                                          supervising_unit="珠晖区民政局")
        group = OrganizationFactory(region=tree["community"], name="建设社区广场舞队", kind=OrgKind.COMMUNITY_GROUP,
                                    uscc=None, filing_number="衡社备〔2024〕00001号")
    return association, group


def _edit_data(org, **overrides) -> dict:
    data = {
        "name": org.name, "kind": org.kind, "uscc": org.uscc or "", "filing_number": org.filing_number,
        "region": org.region_id, "legal_representative": org.legal_representative,
        "contact_person": org.contact_person, "contact_phone": org.contact_phone, "email": "", "address": "",
        "established_date": org.established_date.isoformat(), "registered_date": org.registered_date.isoformat(),
        "supervising_unit": org.supervising_unit, "staff_fulltime": "0", "staff_social_workers": "0",
        "retired_cadre_leaders": "0", "volunteers": "0",
    }
    data.update(overrides)
    return data


def _reload(tree, org) -> Organization:
    with tenant_context(tree["tenant"]):
        return Organization.objects.get(pk=org.pk)


def test_the_street_edits_a_registered_organizations_contact_data_but_not_its_registration(tree_a, users,
                                                                                            client_for):
    association, _group = _orgs(tree_a)
    street = client_for(users["street_a"])
    url = reverse("orgs:edit", args=[association.pk])
    page = street.get(url, **EN).content.decode()
    assert 'name="name"' in page and "Changed by the registration authority" in page
    assert 'name="contact_phone"' in page
    # Posting a new name and legal representative changes nothing of them (disabled fields), the phone saves.
    response = street.post(url, _edit_data(association, name="改名协会", legal_representative="赵六",
                                           contact_phone="0734-7654321"))
    assert response.status_code == 302
    saved = _reload(tree_a, association)
    assert (saved.name, saved.legal_representative, saved.contact_phone) == (
        "建设社区老年协会", "张三", "0734-7654321")
    # The authority's form has the fields enabled and renames it.
    authority = client_for(users["admin_a"])
    assert "Changed by the registration authority" not in authority.get(url, **EN).content.decode()
    response = authority.post(url, _edit_data(saved, name="改名协会"))
    assert response.status_code == 302 and _reload(tree_a, association).name == "改名协会"


def test_status_of_a_registered_organization_is_the_authoritys_of_a_group_the_streets(tree_a, users, client_for):
    association, group = _orgs(tree_a)
    street = client_for(users["street_a"])
    detail = street.get(reverse("orgs:detail", args=[association.pk]), **EN).content.decode()
    assert "Change status" not in detail  # the button is hidden ...
    response = street.post(reverse("orgs:status", args=[association.pk]),
                           {"status": OrgStatus.DEREGISTERED, "note": "注销"})
    assert response.status_code == 404  # ... and the direct POST refused
    assert _reload(tree_a, association).status == OrgStatus.ACTIVE
    # The street deregisters the community group of its street.
    assert "Change status" in street.get(reverse("orgs:detail", args=[group.pk]), **EN).content.decode()
    response = street.post(reverse("orgs:status", args=[group.pk]),
                           {"status": OrgStatus.DEREGISTERED, "note": "自行解散"})
    assert response.status_code == 302 and _reload(tree_a, group).status == OrgStatus.DEREGISTERED
    # Another street may do neither; the authority revokes the association.
    assert client_for(users["street2_a"]).post(reverse("orgs:status", args=[group.pk]),
                                               {"status": OrgStatus.ACTIVE, "note": "x"}).status_code == 404
    authority = client_for(users["admin_a"])
    assert "Change status" in authority.get(reverse("orgs:detail", args=[association.pk]), **EN).content.decode()
    response = authority.post(reverse("orgs:status", args=[association.pk]),
                              {"status": OrgStatus.REVOKED, "note": "衡民罚〔2026〕1号"})
    assert response.status_code == 302 and _reload(tree_a, association).status == OrgStatus.REVOKED
