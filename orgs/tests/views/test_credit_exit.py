"""Leaving the serious list through HTTP: the portal's application, the staff page, the API, and who may."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from governance.tenancy import tenant_context
from orgs.models import CreditExitApplication, CreditExitStatus, CreditList, CreditReason, CreditRecord
from orgs.permissions import forget_memberships
from orgs.tests.factories import CreditRecordFactory, OrganizationFactory
from orgs.tests.views.support import EN, body, refresh

LONG_AGO = datetime.date(2020, 1, 10)


def serious_entry(tree, org, *, listed_on=LONG_AGO, reason=CreditReason.LARGE_FINE) -> CreditRecord:
    with tenant_context(tree["tenant"]):
        return CreditRecordFactory(organization=org, list_type=CreditList.SERIOUS, reason=reason, listed_on=listed_on)


def application_for(tree, record, **fields) -> CreditExitApplication:
    with tenant_context(tree["tenant"]):
        return CreditExitApplication.objects.create(
            tenant_id=record.tenant_id, organization_id=record.organization_id, record=record,
            applied_on=datetime.date(2025, 1, 1), **fields)


def test_portal_application_too_early_is_refused_with_the_date(tree_a, users, client_for, member_org):
    today = timezone.localdate()
    recent = serious_entry(tree_a, member_org, listed_on=today - datetime.timedelta(days=30))
    client = client_for(users["org_a"])
    page = body(client.get(reverse("orgs:portal"), **EN))
    assert "Apply to leave the serious list" in page
    response = client.post(reverse("orgs:credit-exit-apply", args=[recent.pk]),
                           {"statement": "已整改", "next": reverse("orgs:portal")}, follow=True, **EN)
    earliest = recent.listed_on.replace(year=recent.listed_on.year + 2)
    assert f"Removal from the serious list is possible from {earliest.isoformat()}" in body(response)
    with tenant_context(tree_a["tenant"]):
        assert not CreditExitApplication.objects.exists()


def test_portal_application_decided_by_staff_and_the_refusal_shown(tree_a, users, client_for, member_org):
    record = serious_entry(tree_a, member_org)
    org_client, staff = client_for(users["org_a"]), client_for(users["street_a"])
    apply_url = reverse("orgs:credit-exit-apply", args=[record.pk])
    response = org_client.post(apply_url, {"statement": "已缴纳罚款并整改"}, follow=True, **EN)
    assert "Application to leave the serious list made" in body(response)
    assert "awaits the decision" in body(org_client.get(reverse("orgs:portal"), **EN))
    # A second click: refused with the first application's date, still one application.
    response = org_client.post(apply_url, {"statement": "again"}, follow=True, **EN)
    assert "awaits the decision" in body(response)
    with tenant_context(tree_a["tenant"]):
        application = CreditExitApplication.objects.get()

    page = body(staff.get(reverse("orgs:credit-exit-list") + "?status=pending", **EN))
    assert member_org.name in page and "已缴纳罚款并整改" in page and "Approve and remove" in page
    assert reverse("orgs:credit-exit-list") in body(staff.get(reverse("orgs:credit-list"), **EN))  # reachable
    decide = reverse("orgs:credit-exit-decide", args=[application.pk])
    response = staff.post(decide, {"decision": "reject", "note": ""}, follow=True, **EN)
    assert "Please give a reason." in body(response)
    assert refresh(tree_a, application).status == CreditExitStatus.PENDING
    # Outside the jurisdiction, another tenant, the organization itself, read-only staff: 404.
    for name in ("street2_a", "admin_b", "org_a", "community_a", "auditor_a"):
        assert client_for(users[name]).post(decide, {"decision": "approve"}).status_code == 404, name
    response = staff.post(decide, {"decision": "reject", "note": "罚款缴纳凭证不全"}, follow=True, **EN)
    assert "Application refused" in body(response)
    portal = body(org_client.get(reverse("orgs:portal"), **EN))
    assert "Application refused on" in portal and "罚款缴纳凭证不全" in portal
    assert "Apply to leave the serious list" in portal  # may apply again

    org_client.post(apply_url, {"statement": "补齐凭证"})
    with tenant_context(tree_a["tenant"]):
        second = CreditExitApplication.objects.get(status=CreditExitStatus.PENDING)
    response = staff.post(reverse("orgs:credit-exit-decide", args=[second.pk]), {"decision": "approve"},
                          follow=True, **EN)
    assert "was removed from the serious dishonesty list" in body(response)
    assert refresh(tree_a, record).removed_on == timezone.localdate()
    assert "Not on any credit list." in body(org_client.get(reverse("orgs:portal"), **EN))


def test_who_may_apply_and_open_the_staff_page(tree_a, tree_b, users, client_for, member_org):
    record = serious_entry(tree_a, member_org)
    with tenant_context(tree_a["tenant"]):
        other = OrganizationFactory(region=tree_a["community"])
    foreign = serious_entry(tree_a, other)
    org_client = client_for(users["org_a"])
    assert org_client.post(reverse("orgs:credit-exit-apply", args=[foreign.pk])).status_code == 404
    for name in ("street2_a", "admin_b", "grid_a", "auditor_a"):
        assert client_for(users[name]).post(reverse("orgs:credit-exit-apply", args=[record.pk])).status_code == 404
    assert org_client.get(reverse("orgs:credit-exit-list")).status_code == 404
    assert client_for(users["expert_a"]).get(reverse("orgs:credit-exit-list")).status_code == 404
    application = application_for(tree_a, record, statement="本区")
    # Staff of another street and another tenant do not see it in the list.
    assert "本区" in body(client_for(users["auditor_a"]).get(reverse("orgs:credit-exit-list")))
    assert "本区" not in body(client_for(users["street2_a"]).get(reverse("orgs:credit-exit-list")))
    assert "本区" not in body(client_for(users["admin_b"]).get(reverse("orgs:credit-exit-list")))
    assert client_for(users["admin_b"]).post(reverse("orgs:credit-exit-decide", args=[application.pk]),
                                             {"decision": "approve"}).status_code == 404
    # Bad input is a message, never a 500.
    response = client_for(users["street_a"]).post(reverse("orgs:credit-exit-decide", args=[application.pk]),
                                                  {"decision": "maybe"}, follow=True, **EN)
    assert response.status_code == 200 and refresh(tree_a, application).status == CreditExitStatus.PENDING
    assert org_client.get(reverse("orgs:credit-exit-apply", args=[record.pk])).status_code == 405


def test_credit_exit_list_query_budget(tree_a, users, client_for, query_budget):
    client, url = client_for(users["street_a"]), reverse("orgs:credit-exit-list")

    def make_rows(count: int) -> None:
        with tenant_context(tree_a["tenant"]):
            orgs = [OrganizationFactory(region=tree_a["community_other" if i % 2 else "community"])
                    for i in range(count)]
        for index, org in enumerate(orgs):
            status = CreditExitStatus.REJECTED if index % 3 == 0 else CreditExitStatus.PENDING
            application_for(tree_a, serious_entry(tree_a, org), status=status, decided_by=users["street_a"],
                            decision_note="x" if status == CreditExitStatus.REJECTED else "")

    query_budget(make_rows, lambda: client.get(url), expected=7,
                 rows=lambda response: len(response.context["page"].object_list))


# --- the API ---------------------------------------------------------------------------------------------------


def test_api_apply_list_and_decide(tree_a, users, api_for, member_org):
    record = serious_entry(tree_a, member_org)
    recent = serious_entry(tree_a, member_org, listed_on=timezone.localdate(), reason=CreditReason.COURT_DEFAULTER)
    api = api_for(users["org_a"])
    url = f"/api/v1/orgs/{member_org.pk}/credit-exit-applications/"
    refused = api.post(url, {"record": record.pk}, format="json")
    assert refused.status_code == 409  # the new listing of today holds both entries for two more years
    assert refused.json()["extra"] == {"earliest": recent.listed_on.replace(year=recent.listed_on.year + 2).isoformat()}
    with tenant_context(tree_a["tenant"]):
        CreditRecord.objects.filter(pk=recent.pk).delete()
    created = api.post(url, {"record": record.pk, "statement": "已整改"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "pending" and created.json()["record"] == record.pk
    assert api.post(url, {"record": record.pk}, format="json").status_code == 409
    assert [row["id"] for row in api.get(url).json()["results"]] == [created.json()["id"]]
    decide = f"/api/v1/credit-exit-applications/{created.json()['id']}/decide/"
    assert api.post(decide, {"decision": "approve"}, format="json").status_code == 403  # the organization
    assert api_for(users["street2_a"]).post(decide, {"decision": "approve"}, format="json").status_code == 404
    assert api_for(users["admin_b"]).post(decide, {"decision": "approve"}, format="json").status_code == 404
    staff = api_for(users["street_a"])
    assert staff.post(decide, {"decision": "reject"}, format="json").status_code == 400
    assert staff.post(decide, {"decision": "later"}, format="json").status_code == 400
    decided = staff.post(decide, {"decision": "approve"}, format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert refresh(tree_a, record).removed_on == timezone.localdate()


def test_api_scope(tree_a, tree_b, users, api_for, member_org):
    record = serious_entry(tree_a, member_org)
    with tenant_context(tree_a["tenant"]):
        other = OrganizationFactory(region=tree_a["community"])
    other_record = serious_entry(tree_a, other)
    url = f"/api/v1/orgs/{member_org.pk}/credit-exit-applications/"
    # Another organization's entry through this organization's URL, another tenant, outside the jurisdiction.
    assert api_for(users["org_a"]).post(url, {"record": other_record.pk}, format="json").status_code == 404
    assert api_for(users["admin_b"]).get(url).status_code == 404
    assert api_for(users["street2_a"]).get(url).status_code == 404
    assert api_for(users["org_a"]).get(f"/api/v1/orgs/{other.pk}/credit-exit-applications/").status_code == 404
    assert api_for(users["org_a"]).post(url, {"record": "x"}, format="json").status_code == 400
    assert api_for(users["auditor_a"]).post(url, {"record": record.pk}, format="json").status_code == 403
    assert api_for(users["org_a"]).post(url, {"record": record.pk, "statement": "x" * 2001},
                                        format="json").status_code == 400


def test_api_list_query_budget(tree_a, users, api_for, member_org, query_budget):
    api = api_for(users["org_a"])
    url = f"/api/v1/orgs/{member_org.pk}/credit-exit-applications/"

    def make_rows(count: int) -> None:
        for _ in range(count):
            application_for(tree_a, serious_entry(tree_a, member_org), status=CreditExitStatus.REJECTED)
        forget_memberships(users["org_a"])

    # The organization (with its domains), then the page: count and rows.
    query_budget(make_rows, lambda: api.get(url), expected=6, rows=lambda response: len(response.json()["results"]))

