"""A filing bearing the name of an organization already in the registry is allowed but warned about, to
the applicant and to the reviewers (issue 7 item 12)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.tenancy import tenant_context
from orgs.models import Filing
from orgs.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
WARNING = "已有同名组织"


def _data(tree, name):
    return {"region": tree["community"].pk, "name": name, "legal_representative": "王芳", "contact_person": "",
            "contact_phone": "", "email": "", "address": "", "established_date": "", "supervising_unit": "",
            "volunteers": "3", "domains": ["elderly"]}


def test_a_namesake_filing_is_accepted_with_a_warning(tree_a, tree_b, users, client_for):
    with tenant_context(tree_a["tenant"]):
        OrganizationFactory(region=tree_a["community2"], name="夕阳红志愿服务队")  # another street's
    response = client_for(users["community_a"]).post(reverse("orgs:filing-create"),
                                                     _data(tree_a, "夕阳红志愿服务队"), follow=True, **ZH)
    assert response.status_code == 200
    assert WARNING in response.content.decode()
    with tenant_context(tree_a["tenant"]):
        filing = Filing.objects.get(organization__name="夕阳红志愿服务队")
    page = client_for(users["street_a"]).get(reverse("orgs:filing-detail", args=[filing.pk]), **ZH)
    assert 'id="name-in-use"' in page.content.decode()


def test_no_warning_for_a_new_name_or_another_tenants_namesake(tree_a, tree_b, users, client_for):
    with tenant_context(tree_b["tenant"]):
        OrganizationFactory(region=tree_b["community"], name="广场舞队")
    response = client_for(users["community_a"]).post(reverse("orgs:filing-create"),
                                                     _data(tree_a, "广场舞队"), follow=True, **ZH)
    assert response.status_code == 200
    body = response.content.decode()
    assert WARNING not in body and 'id="name-in-use"' not in body
