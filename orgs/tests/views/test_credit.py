"""Credit list pages through HTTP (信用名单): listing, removal, rectification and the list's filters."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from governance.tenancy import tenant_context
from orgs.models import CreditList, CreditReason, CreditRecord
from orgs.tests.factories import CreditRecordFactory, OrganizationFactory
from orgs.tests.views.support import EN, body, make_org, refresh


def test_credit_add_remove_and_rectify(tree_a, users, client_for, member_org):
    street, org_user = client_for(users["street_a"]), client_for(users["org_a"])
    add = reverse("orgs:credit-add", args=[member_org.pk])
    assert client_for(users["community_a"]).get(add).status_code == 404
    assert street.get(add).status_code == 200
    # The reason select follows the chosen list (htmx fragment).
    fragment = body(street.get(add, {"list_type": "serious"}, HTTP_HX_REQUEST="true"))
    assert 'id="credit-reason"' in fragment and CreditReason.LARGE_FINE in fragment
    assert CreditReason.UNREACHABLE not in fragment

    today = timezone.localdate().isoformat()
    response = street.post(add, {"list_type": "abnormal", "reason": CreditReason.LARGE_FINE, "listed_on": today},
                           **EN)
    assert response.status_code == 200 and "is-invalid" in body(response)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = street.post(add, {"list_type": "abnormal", "reason": CreditReason.UNREACHABLE, "listed_on": future},
                           **EN)
    assert response.status_code == 200 and "cannot be in the future" in body(response)
    response = street.post(add, {"list_type": "abnormal", "reason": CreditReason.UNREACHABLE, "listed_on": today,
                                 "decision_number": "衡民决〔2025〕1号"}, follow=True, **EN)
    assert "Abnormal activities list" in body(response)
    with tenant_context(tree_a["tenant"]):
        record = CreditRecord.objects.get(organization=member_org)

    # The organization applies for removal from its portal; the street verifies.
    rectify = reverse("orgs:credit-rectify", args=[record.pk])
    page = body(org_user.get(reverse("orgs:portal"), **EN))
    assert "Apply for removal" in page
    response = org_user.post(rectify, {"action": "apply", "next": reverse("orgs:portal")}, follow=True, **EN)
    assert "Removal applied for" in body(response)
    assert response.redirect_chain[-1][0] == reverse("orgs:portal")
    response = org_user.post(rectify, {"action": "apply"}, follow=True, **EN)
    assert "already been applied for" in body(response)
    response = org_user.post(rectify, {"action": "verify"}, follow=True, **EN)
    assert "You may not manage" in body(response)
    assert refresh(tree_a, record).rectification_verified_on is None
    response = street.post(rectify, {"action": "verify", "next": "https://evil.example/"}, follow=True, **EN)
    assert "Rectification verified" in body(response)
    assert response.redirect_chain[-1][0] == reverse("orgs:credit-list")
    assert refresh(tree_a, record).rectification_verified_on == timezone.localdate()

    # Removal by staff, with a confirmation and a reason.
    remove = reverse("orgs:credit-remove", args=[record.pk])
    page = body(street.get(remove, **EN))
    assert "data-confirm" in page
    response = street.post(remove, {"removed_on": today, "reason": ""}, **EN)
    assert response.status_code == 200 and "is-invalid" in body(response)
    response = street.post(remove, {"removed_on": today, "reason": "已整改"}, follow=True, **EN)
    assert "was removed" in body(response)
    assert refresh(tree_a, record).removed_on == timezone.localdate()
    response = street.post(remove, {"removed_on": today, "reason": "again"}, **EN)
    assert "already been removed" in body(response)
    for name in ("org_a", "community_a", "street2_a", "admin_b"):
        assert client_for(users[name]).get(remove).status_code == 404, name


def test_serious_list_removal_rule_is_shown(tree_a, users, client_for, member_org):
    with tenant_context(tree_a["tenant"]):
        record = CreditRecordFactory(organization=member_org, list_type=CreditList.SERIOUS,
                                     reason=CreditReason.LARGE_FINE,
                                     listed_on=timezone.localdate() - datetime.timedelta(days=100))
    response = client_for(users["street_a"]).post(
        reverse("orgs:credit-remove", args=[record.pk]),
        {"removed_on": timezone.localdate().isoformat(), "reason": "申请移出"}, **EN)
    assert response.status_code == 200
    assert "Removal from the serious list is possible from" in body(response)
    assert refresh(tree_a, record).removed_on is None


def test_credit_list_filters(tree_a, users, client_for, member_org):
    other = make_org(tree_a, region_key="community2", name="光明社区舞蹈队")
    with tenant_context(tree_a["tenant"]):
        CreditRecordFactory(organization=member_org)
        CreditRecordFactory(organization=member_org, list_type=CreditList.SERIOUS, reason=CreditReason.LARGE_FINE,
                            removed_on=datetime.date(2025, 1, 1), removal_reason="x")
        CreditRecordFactory(organization=other)
    client = client_for(users["street_a"])
    page = body(client.get(reverse("orgs:credit-list"), **EN))
    assert "建设社区为老服务中心" in page and "光明社区舞蹈队" not in page
    assert page.count("<tr") == 3  # header + two entries
    page = body(client.get(reverse("orgs:credit-list"), {"list_type": "serious"}, **EN))
    assert page.count("<tr") == 2 and "Fine of" in page
    page = body(client.get(reverse("orgs:credit-list"), {"active": "1"}, **EN))
    assert page.count("<tr") == 2 and "Unreachable" in page
    page = body(client.get(reverse("orgs:credit-list"), {"reason": CreditReason.LARGE_FINE, "active": "1"}, **EN))
    assert "No credit-list entries match these filters." in page
    assert client_for(users["expert_a"]).get(reverse("orgs:credit-list")).status_code == 404


def test_credit_list_query_budget(tree_a, users, client_for, query_budget):
    client, url = client_for(users["street_a"]), reverse("orgs:credit-list")

    def make_rows(count: int) -> None:
        with tenant_context(tree_a["tenant"]):
            for index in range(count):
                CreditRecordFactory(organization=OrganizationFactory(
                    region=tree_a["community_other" if index % 2 else "community"]),
                    list_type=CreditList.SERIOUS if index % 2 else CreditList.ABNORMAL,
                    reason=CreditReason.LARGE_FINE if index % 2 else CreditReason.PARTY_ORG_NOT_SET)

    # + 1: the options of the region filter
    query_budget(make_rows, lambda: client.get(url), expected=7, rows=lambda response: len(response.context["page"].object_list))
