"""Filing pages through HTTP (备案): the community then the street decide; refusals change nothing."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from governance.tenancy import tenant_context
from orgs.models import Filing, FilingStatus, OrgStatus
from orgs.tests.factories import FilingFactory
from orgs.tests.views.support import EN, body, changes_of, filing_data, refresh, transition


def test_filing_end_to_end_community_then_street(tree_a, users, client_for):
    community, street = client_for(users["community_a"]), client_for(users["street_a"])
    assert community.get(reverse("orgs:filing-create")).status_code == 200

    response = community.post(reverse("orgs:filing-create"), filing_data(tree_a), follow=True, **EN)
    assert response.status_code == 200
    assert "Filing application submitted" in body(response)
    with tenant_context(tree_a["tenant"]):
        filing = Filing.objects.select_related("organization").get()
        assert filing.status == FilingStatus.SUBMITTED
        assert filing.organization.status == OrgStatus.PENDING
        assert sorted(filing.organization.domains.values_list("domain", flat=True)) == ["elderly", "volunteering"]
    assert response.redirect_chain[-1][0] == reverse("orgs:filing-detail", args=[filing.pk])

    # The street may not take the community's step: no button, and a refused POST changes nothing.
    page = body(street.get(reverse("orgs:filing-detail", args=[filing.pk]), **EN))
    assert "Approve (community review)" not in page and 'value="filed"' not in page
    response = transition(street, filing, FilingStatus.COMMUNITY_APPROVED)
    assert "You are not allowed to take this step." in body(response)
    assert refresh(tree_a, filing).status == FilingStatus.SUBMITTED

    page = body(community.get(reverse("orgs:filing-detail", args=[filing.pk]), **EN))
    assert "Approve (community review)" in page and "Reject" in page and "data-confirm" in page
    response = transition(community, filing, FilingStatus.COMMUNITY_APPROVED, "材料齐全")
    assert "Approved by the community" in body(response)
    assert refresh(tree_a, filing).status == FilingStatus.COMMUNITY_APPROVED

    # The community cannot do the street step.
    page = body(community.get(reverse("orgs:filing-detail", args=[filing.pk]), **EN))
    assert "Approve filing (street)" not in page and "Your decision" not in page
    response = transition(community, filing, FilingStatus.FILED)
    assert "You are not allowed to take this step." in body(response)
    assert refresh(tree_a, filing).status == FilingStatus.COMMUNITY_APPROVED

    page = body(street.get(reverse("orgs:filing-detail", args=[filing.pk]), **EN))
    assert "Approve filing (street)" in page
    response = transition(street, filing, FilingStatus.FILED)
    org = refresh(tree_a, filing.organization)
    assert refresh(tree_a, filing).status == FilingStatus.FILED
    assert org.status == OrgStatus.ACTIVE and org.filing_number and org.registered_date == timezone.localdate()
    assert org.filing_number in body(response)
    # The history lists every step with its note.
    assert "材料齐全" in body(response) and body(response).count("→") >= 2

    # Double submission: the second POST is refused with a clear message and changes nothing.
    before = changes_of(tree_a, filing)
    response = transition(street, filing, FilingStatus.FILED)
    assert "This step is not possible" in body(response)
    assert changes_of(tree_a, filing) == before
    assert refresh(tree_a, filing.organization).filing_number == org.filing_number


def test_org_user_submits_a_filing_and_follows_it(tree_a, users, client_for):
    client = client_for(users["org_a"])
    response = client.post(reverse("orgs:filing-create"), filing_data(tree_a, name="和平社区棋牌协会"),
                           follow=True, **EN)
    assert response.status_code == 200 and "和平社区棋牌协会" in body(response)
    with tenant_context(tree_a["tenant"]):
        filing = Filing.objects.get()
    assert "Your decision" not in body(response)  # the applicant cannot decide
    response = transition(client, filing, FilingStatus.COMMUNITY_APPROVED)
    assert "You are not allowed to take this step." in body(response)
    assert refresh(tree_a, filing).status == FilingStatus.SUBMITTED
    # The applicant sees the filing in its list and in the portal.
    assert "和平社区棋牌协会" in body(client.get(reverse("orgs:filing-list")))
    assert "和平社区棋牌协会" in body(client.get(reverse("orgs:portal")))


def test_rejection_needs_a_reason(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        filing = FilingFactory(region=tree_a["community"], submitted_by=users["org_a"])
    community = client_for(users["community_a"])
    response = transition(community, filing, FilingStatus.REJECTED, "  ")
    assert "Please give a reason." in body(response)
    assert refresh(tree_a, filing).status == FilingStatus.SUBMITTED

    response = transition(community, filing, FilingStatus.REJECTED, "名称与已备案组织重复")
    filing = refresh(tree_a, filing)
    assert filing.status == FilingStatus.REJECTED and filing.rejection_reason == "名称与已备案组织重复"
    assert refresh(tree_a, filing.organization).status == OrgStatus.REJECTED
    assert "名称与已备案组织重复" in body(response)


def test_filing_form_errors_stay_on_the_form(tree_a, users, client_for):
    client = client_for(users["community_a"])
    page = body(client.get(reverse("orgs:filing-create")))
    # Only the user's own community (and no other street's) is offered.
    assert f'value="{tree_a["community"].pk}"' in page
    assert f'value="{tree_a["community2"].pk}"' not in page and f'value="{tree_a["grid"].pk}"' not in page

    response = client.post(reverse("orgs:filing-create"), filing_data(tree_a, region=tree_a["community2"].pk,
                                                                      name=""), **EN)
    assert response.status_code == 200
    assert "is-invalid" in body(response) and "outside your jurisdiction" in body(response)
    # A business rule from the service (a second filing with the same name) shows on the form too.
    client.post(reverse("orgs:filing-create"), filing_data(tree_a))
    response = client.post(reverse("orgs:filing-create"), filing_data(tree_a), **EN)
    assert response.status_code == 200 and "is already under review" in body(response)
    with tenant_context(tree_a["tenant"]):
        assert Filing.objects.count() == 1


def test_wrong_roles_get_404_or_a_refusal_and_nothing_changes(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        filing = FilingFactory(region=tree_a["community"])
    detail = reverse("orgs:filing-detail", args=[filing.pk])
    move = reverse("orgs:filing-transition", args=[filing.pk])
    for name in ("street2_a", "grid_a", "expert_a", "admin_b", "street_b"):
        client = client_for(users[name])
        assert client.get(detail).status_code == 404, name
        assert client.post(move, {"to": FilingStatus.COMMUNITY_APPROVED}).status_code == 404, name
    for name in ("grid_a", "expert_a", "auditor_a", "party_a", "norole_a"):
        assert client_for(users[name]).get(reverse("orgs:filing-create")).status_code == 404, name
        assert client_for(users[name]).post(reverse("orgs:filing-create"), filing_data(tree_a)).status_code == 404
    # The auditor sees the filing but may not decide.
    auditor = client_for(users["auditor_a"])
    assert "Your decision" not in body(auditor.get(detail, **EN))
    assert "You are not allowed" in body(transition(auditor, filing, FilingStatus.COMMUNITY_APPROVED))
    assert client_for(users["community_a"]).get(move).status_code == 405  # POST only
    assert refresh(tree_a, filing).status == FilingStatus.SUBMITTED
    assert changes_of(tree_a, filing) == 0
    with tenant_context(tree_a["tenant"]):
        assert Filing.objects.count() == 1


def test_invalid_transition_is_refused_with_a_message(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        filing = FilingFactory(region=tree_a["community"], status=FilingStatus.FILED)
    for name, to in (("community_a", FilingStatus.COMMUNITY_APPROVED), ("street_a", FilingStatus.REJECTED),
                     ("street_a", "nonsense")):
        response = transition(client_for(users[name]), filing, to, "x")
        assert "This step is not possible" in body(response), (name, to)
        assert refresh(tree_a, filing).status == FilingStatus.FILED


def test_filing_list_tabs_and_filter(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        FilingFactory(region=tree_a["community"], organization__name="甲队")
        FilingFactory(region=tree_a["community"], organization__name="乙队", status=FilingStatus.FILED)
        FilingFactory(region=tree_a["community2"], organization__name="丙队")
    client = client_for(users["street_a"])
    page = body(client.get(reverse("orgs:filing-list"), **EN))
    assert "甲队" in page and "乙队" in page and "丙队" not in page
    assert "?status=filed" in page
    page = body(client.get(reverse("orgs:filing-list"), {"status": "filed"}, **EN))
    assert "乙队" in page and "甲队" not in page
    # The tabs link the workflow pages the user may open.
    assert reverse("orgs:credit-list") in page and reverse("orgs:change-request-list") in page
    assert reverse("orgs:portal") not in page
    page = body(client_for(users["community_a"]).get(reverse("orgs:filing-list"), **EN))
    assert "Your decision" in page  # 甲队 waits for the community
    assert client_for(users["expert_a"]).get(reverse("orgs:filing-list")).status_code == 404





def test_filing_list_query_budget(tree_a, users, client_for, query_budget):
    client, url = client_for(users["street_a"]), reverse("orgs:filing-list")

    def make_rows(count: int) -> None:
        with tenant_context(tree_a["tenant"]):
            for index in range(count):
                FilingFactory(region=tree_a["community_other" if index % 2 else "community"],
                              status=FilingStatus.COMMUNITY_APPROVED if index % 3 else FilingStatus.SUBMITTED)

    # + 1: the options of the region filter
    query_budget(make_rows, lambda: client.get(url), expected=8, rows=lambda response: len(response.context["page"].object_list))
