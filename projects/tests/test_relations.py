"""Experts declare their own relations with organizations (/projects/my/relations/, /api/v1/projects/my/relations/);
staff read them (/api/v1/projects/experts/<id>/relations/); the draw excludes the expert and names the relation."""

from __future__ import annotations

import pytest

from conftest import make_user
from governance.models import AuditEvent
from governance.models.accounts import Role
from governance.tenancy import tenant_context
from orgs.tests.factories import OrganizationFactory
from projects import services
from projects.models import ExpertRelation
from projects.services.draw import Conflict
from projects.tests.conftest import new_application
from projects.tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db

MY_API = "/api/v1/projects/my/relations/"


@pytest.fixture
def me(tree_a, users, experts):
    """``users['expert_a']``'s pool entry, and an organization of tenant A."""
    with tenant_context(tree_a["tenant"]):
        return {"expert": experts[0], "org": OrganizationFactory(region=tree_a["community"], name="阳光社工服务中心")}


def _relations(tenant, n, expert):
    with tenant_context(tenant):
        for org in OrganizationFactory.create_batch(n, region=expert.region):
            ExpertRelation.objects.create(tenant=tenant, expert=expert, organization=org, kind="board_member",
                                          reason="理事", declared_on=expert.created_at.date())


# --- the expert's page ---------------------------------------------------------------------------


def test_expert_declares_and_removes_a_relation_on_the_page(tree_a, users, me, client_for):
    client = client_for(users["expert_a"])
    page = client.get("/projects/my/relations/")
    assert page.status_code == 200 and "我申报的利益关系" in page.content.decode()
    response = client.post("/projects/my/relations/", {"organization": me["org"].pk, "kind": "employed",
                                                         "reason": "兼职督导"})
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        relation = ExpertRelation.objects.get(expert=me["expert"])
        assert (relation.kind, relation.reason) == ("employed", "兼职督导")
        event = AuditEvent.objects.get(action="expert.relation_declare", object_id=str(relation.pk))
        assert event.actor_id == users["expert_a"].pk
    body = client.get("/projects/my/relations/").content.decode()
    assert "阳光社工服务中心" in body and "在该机构任职" in body
    assert client.post(f"/projects/my/relations/{relation.pk}/delete/").status_code == 302
    with tenant_context(tree_a["tenant"]):
        assert not ExpertRelation.objects.exists()
        assert AuditEvent.objects.filter(action="expert.relation_withdraw", object_id=str(relation.pk)).exists()


def test_page_refuses_bad_input_clearly_and_saves_nothing(tree_a, users, me, client_for):
    client = client_for(users["expert_a"])
    for data in ({"organization": me["org"].pk, "kind": "employed", "reason": "  "},
                 {"organization": me["org"].pk, "kind": "spouse", "reason": "x"},
                 {"organization": 999999, "kind": "employed", "reason": "x"},
                 {"organization": "abc", "kind": "employed", "reason": "x" * 501}):
        response = client.post("/projects/my/relations/", data)
        assert response.status_code == 200, data
        assert "is-invalid" in response.content.decode() or "invalid-feedback" in response.content.decode(), data
    client.post("/projects/my/relations/", {"organization": me["org"].pk, "kind": "employed", "reason": "兼职"})
    again = client.post("/projects/my/relations/", {"organization": me["org"].pk, "kind": "employed", "reason": "兼职"},
                        follow=True)
    assert "已申报" in again.content.decode()
    with tenant_context(tree_a["tenant"]):
        assert ExpertRelation.objects.count() == 1


def test_page_is_for_experts_and_shows_only_their_own(tree_a, tree_b, users, me, experts, client_for):
    with tenant_context(tree_a["tenant"]):
        theirs = services.relation_declare(actor=experts[1].user, expert=experts[1], organization=me["org"],
                                           kind="family", reason="配偶任职")
    client = client_for(users["expert_a"])
    assert "配偶任职" not in client.get("/projects/my/relations/").content.decode()
    assert client.post(f"/projects/my/relations/{theirs.pk}/delete/").status_code == 404
    for user in ("street_a", "org_a", "admin_b"):
        assert client_for(users[user]).get("/projects/my/relations/").status_code == 404, user
    with tenant_context(tree_a["tenant"]):
        assert ExpertRelation.objects.filter(pk=theirs.pk).exists()


def test_nav_entry_for_experts_only(users, client_for, me):
    assert "/projects/my/relations/" in client_for(users["expert_a"]).get("/").content.decode()
    assert "/projects/my/relations/" not in client_for(users["street_a"]).get("/").content.decode()


def test_unlinked_expert_sees_why_and_cannot_declare(tree_a, users, client_for):
    lone = make_user(tree_a["tenant"], "lone_a", Role.EXPERT, tree_a["root"])
    client = client_for(lone)
    assert "尚未关联" in client.get("/projects/my/relations/").content.decode()
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
    assert client.post("/projects/my/relations/", {"organization": org.pk, "kind": "other",
                                                   "reason": "x"}).status_code == 404


def test_page_query_budget(tree_a, users, me, client_for, query_budget):
    client = client_for(users["expert_a"])
    query_budget(lambda n: _relations(tree_a["tenant"], n, me["expert"]), lambda: client.get("/projects/my/relations/"),
                 sizes=(3, 25), expected=8, warm=True)


# --- the API ---------------------------------------------------------------------------------------


def test_api_declare_list_delete_own(tree_a, users, me, api_for):
    client = api_for(users["expert_a"])
    created = client.post(MY_API, {"organization": me["org"].pk, "kind": "board_member", "reason": "理事"},
                          format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["organization_name"] == "阳光社工服务中心" and body["kind_display"] == "理事或监事"
    listed = client.get(MY_API).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]] and listed["results"][0] == body
    assert client.get(f"{MY_API}{body['id']}/").json() == body
    again = client.post(MY_API, {"organization": me["org"].pk, "kind": "board_member", "reason": "理事"},
                        format="json")
    assert again.status_code == 409 and "已申报" in again.json()["message"]
    assert client.delete(f"{MY_API}{body['id']}/").status_code == 204
    assert client.get(MY_API).json()["results"] == []


@pytest.mark.parametrize("body,field", [
    ({"kind": "board_member", "reason": "x"}, "organization"),
    ({"organization": 0, "kind": "board_member", "reason": "x"}, "organization"),
    ({"organization": "ORG", "kind": "board_member", "reason": "x"}, "organization"),
    ({"organization": None, "kind": "spouse", "reason": "x"}, "kind"),
    ({"organization": None, "kind": "board_member", "reason": " "}, "reason"),
    ({"organization": None, "kind": "board_member", "reason": "x" * 501}, "reason"),
])
def test_api_bad_input_is_a_clear_400(tree_a, users, me, api_for, body, field):
    if body.get("organization", 1) is None:
        body = {**body, "organization": me["org"].pk}
    response = api_for(users["expert_a"]).post(MY_API, body, format="json")
    assert response.status_code == 400 and field in response.json()["extra"]["fields"], response.content
    with tenant_context(tree_a["tenant"]):
        assert not ExpertRelation.objects.exists()


def test_api_isolation(tree_a, tree_b, users, me, experts, api_for):
    with tenant_context(tree_a["tenant"]):
        theirs = services.relation_declare(actor=experts[1].user, expert=experts[1], organization=me["org"],
                                           kind="family", reason="配偶任职")
    expert_b = make_user(tree_b["tenant"], "expert_b", Role.EXPERT, tree_b["root"])
    with tenant_context(tree_b["tenant"]):
        ExpertFactory(region=tree_b["street"], user=expert_b)
        org_b = OrganizationFactory(region=tree_b["community"])
    mine = api_for(users["expert_a"])
    assert mine.get(f"{MY_API}{theirs.pk}/").status_code == 404
    assert mine.delete(f"{MY_API}{theirs.pk}/").status_code == 404
    assert mine.get(MY_API).json()["results"] == []
    # an organization of tenant B is unknown here
    assert mine.post(MY_API, {"organization": org_b.pk, "kind": "other", "reason": "x"},
                     format="json").status_code == 404
    other_tenant = api_for(expert_b)
    assert other_tenant.get(f"{MY_API}{theirs.pk}/").status_code == 404
    assert other_tenant.delete(f"{MY_API}{theirs.pk}/").status_code == 404
    assert api_for(users["street_a"]).get(MY_API).status_code == 403
    with tenant_context(tree_a["tenant"]):
        assert ExpertRelation.objects.filter(pk=theirs.pk).exists()


def test_staff_read_an_experts_relations_in_their_jurisdiction_only(tree_a, users, me, api_for):
    with tenant_context(tree_a["tenant"]):
        relation = services.relation_declare(actor=users["expert_a"], expert=me["expert"], organization=me["org"],
                                             kind="consultant", reason="顾问")
    url = f"/api/v1/projects/experts/{me['expert'].pk}/relations/"
    rows = api_for(users["street_a"]).get(url).json()["results"]
    assert [(r["id"], r["kind"], r["reason"]) for r in rows] == [(relation.pk, "consultant", "顾问")]
    for user in ("street2_a", "admin_b", "expert_a", "org_a"):
        assert api_for(users[user]).get(url).status_code == 404, user


def test_api_lists_query_budget(tree_a, users, me, api_for, query_budget):
    expert = me["expert"]
    rows = lambda response: len(response.json()["results"])  # noqa: E731
    mine = api_for(users["expert_a"])
    query_budget(lambda n: _relations(tree_a["tenant"], n, expert), lambda: mine.get(MY_API + "?page_size=50"),
                 sizes=(3, 25), expected=4, rows=rows)
    staff = api_for(users["street_a"])
    url = f"/api/v1/projects/experts/{expert.pk}/relations/?page_size=100"
    query_budget(lambda n: _relations(tree_a["tenant"], n, expert), lambda: staff.get(url),
                 sizes=(3, 25), expected=5, rows=rows)


# --- the draw ---------------------------------------------------------------------------------------


def test_draw_excludes_a_self_declared_relation_and_names_it(tree_a, users, program, experts, me, api_for):
    created = api_for(users["expert_a"]).post(MY_API, {"organization": me["org"].pk, "kind": "employed",
                                                       "reason": "兼职督导"}, format="json")
    assert created.status_code == 201
    application = new_application(tree_a, users, program)
    with tenant_context(tree_a["tenant"]):
        application.applicant_organization = me["org"]
        application.save(update_fields=["applicant_organization"])
        services.application_submit(actor=users["community_a"], application=application)
        draw = services.application_start_review(actor=users["street_a"], application=application, seed="relseed01")
        assert me["expert"].pk not in draw.result and len(draw.result) == 3
        exclusion = next(e for e in draw.exclusions if e["id"] == me["expert"].pk)
        assert exclusion["reasons"] == [Conflict.DECLARED_RELATION]
        assert exclusion["relations"] == [{"organization": me["org"].pk, "relation": "阳光社工服务中心（在该机构任职）"}]
        assert "阳光社工服务中心（在该机构任职）" in exclusion["text"]
        event = AuditEvent.objects.get(action="review.draw", object_id=str(application.pk))
        assert event.changes["exclusions"] == draw.exclusions
