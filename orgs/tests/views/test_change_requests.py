"""Change request pages through HTTP (变更申请): pending first, decisions and who may take them."""

from __future__ import annotations

from django.urls import reverse

from governance.tenancy import tenant_context
from orgs.models import ChangeRequestStatus
from orgs.permissions import forget_memberships
from orgs.tests.factories import MembershipFactory, OrganizationFactory
from orgs.tests.views.support import EN, body, change_request_for, refresh


def test_change_request_list_pending_first_and_decide(tree_a, users, client_for, member_org):
    old = change_request_for(tree_a, member_org, users["org_a"], name="建设社区为老服务中心（旧）")
    client = client_for(users["admin_a"])  # member_org is a registered organization: the authority decides
    client.post(reverse("orgs:change-request-decide", args=[old.pk]), {"decision": "reject", "note": "不符合"})
    assert refresh(tree_a, old).status == ChangeRequestStatus.REJECTED
    new = change_request_for(tree_a, member_org, users["org_a"], legal_representative="赵六")

    page = body(client.get(reverse("orgs:change-request-list"), **EN))
    assert page.index("赵六") < page.index("（旧）")  # pending first
    assert "Legal representative" in page and "张三" in page  # field label, current and requested values
    assert "Approve and apply" in page

    decide = reverse("orgs:change-request-decide", args=[new.pk])
    response = client.post(decide, {"decision": "reject", "note": ""}, follow=True, **EN)
    assert "Please give a reason." in body(response)
    assert refresh(tree_a, new).status == ChangeRequestStatus.PENDING
    for name in ("street_a", "community_a", "street2_a", "grid_a", "org_a", "admin_b"):
        assert client_for(users[name]).post(decide, {"decision": "approve"}).status_code == 404, name
    response = client.post(decide, {"decision": "approve"}, follow=True, **EN)
    assert "Change approved" in body(response)
    assert refresh(tree_a, member_org).legal_representative == "赵六"
    response = client.post(decide, {"decision": "approve"}, follow=True, **EN)
    assert "This step is not possible" in body(response)
    assert client_for(users["org_a"]).get(reverse("orgs:change-request-list")).status_code == 404


def test_change_request_list_query_budget(tree_a, users, client_for, query_budget):
    client, url = client_for(users["street_a"]), reverse("orgs:change-request-list")

    def make_rows(count: int) -> None:
        with tenant_context(tree_a["tenant"]):
            orgs = [OrganizationFactory(region=tree_a["community"]) for _ in range(count)]
            for org in orgs:
                MembershipFactory(organization=org, user=users["org_a"])
        forget_memberships(users["org_a"])  # memberships are cached on the user object
        for index, org in enumerate(orgs):
            change_request_for(tree_a, org, users["org_a"], name=f"{org.name}新",
                               **({"supervising_unit": "区民政局"} if index % 2 else {}))

    # + 1: the options of the region filter
    query_budget(make_rows, lambda: client.get(url), expected=8, rows=lambda response: len(response.context["page"].object_list))
