"""Programs, review templates, experts and consultations written through the API; the program workflow."""

from __future__ import annotations

from django.urls import reverse

from governance.models import AuditEvent, StatusChange
from governance.tenancy import tenant_context
from projects import services
from projects.models import Expert, FundingProgram, ProgramKind, ProgramStatus, ReviewTemplate
from projects.tests.conftest import new_application
from projects.tests.factories import ReviewTemplateFactory

BASE = "/api/v1/projects"


def _program(tree_a, **extra):
    return {"region": tree_a["street"].pk, "name": "养老服务", "kind": "government_purchase", "year": 2026,
            "budget_pool": "200000.00", "cap_per_application": "50000.00", "application_opens": "2026-01-01",
            "application_closes": "2026-06-30", "review_opens": "2026-07-01", "review_closes": "2026-08-31",
            "min_grade": "3A", "min_years_registered": 2, **extra}


def _template(weights=(60, 40)):
    return {"name": "评审标准", "criteria": [
        {"name": f"指标{i}", "weight": f"{w}.00", "min_score": "0.00", "max_score": "10.00"}
        for i, w in enumerate(weights)]}


def test_program_create_patch_and_refusals(api_for, users, tree_a):
    client = api_for(users["street_a"])
    created = client.post(f"{BASE}/programs/", _program(tree_a), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["min_grade"] == "3A" and body["min_years_registered"] == 2
    pk = body["id"]
    # A second submission of the same program is refused, not duplicated.
    again = client.post(f"{BASE}/programs/", _program(tree_a), format="json")
    assert again.status_code == 400
    for bad in ({"cap_per_application": "300000.00"}, {"year": "2026"}, {"budget_pool": 5},
                {"status": "closed"}, {"review_template": 999999}, {"region": tree_a["street2"].pk}):
        response = client.post(f"{BASE}/programs/", _program(tree_a, name="另一个", **bad), format="json")
        assert response.status_code in (400, 404), (bad, response.content)
    with tenant_context(tree_a["tenant"]):
        assert FundingProgram.objects.count() == 1
        assert AuditEvent.objects.filter(action="program.create").count() == 1
    patched = client.patch(f"{BASE}/programs/{pk}/", {"budget_pool": "300000.00", "require_active": False},
                           format="json")
    assert patched.status_code == 200 and patched.json()["budget_pool"] == "300000.00"
    assert patched.json()["require_active"] is False
    assert client.patch(f"{BASE}/programs/{pk}/", {"status": "closed"}, format="json").json()["status"] == "draft"
    assert client.patch(f"{BASE}/programs/{pk}/", {"name": 0}, format="json").status_code == 400
    # Staff who may only view, another street and tenant B.
    assert api_for(users["community_a"]).post(f"{BASE}/programs/", _program(tree_a, name="社区"),
                                              format="json").status_code == 403
    for who in ("street_b", "street2_a"):
        response = api_for(users[who]).patch(f"{BASE}/programs/{pk}/", {"name": "改"}, format="json")
        assert response.status_code == 404, who


def test_program_workflow_through_api_and_page(api_for, client_for, users, tree_a):
    client = api_for(users["street_a"])
    pk = client.post(f"{BASE}/programs/", _program(tree_a), format="json").json()["id"]
    url = f"{BASE}/programs/{pk}/transition/"
    assert client.post(url, {"to": "reviewing"}, format="json").status_code == 409  # draft → reviewing
    assert client.post(url, {"to": "open", "note": 0}, format="json").status_code == 400
    assert client.post(url, {"to": "open"}, format="json").json()["status"] == "open"
    for who in ("street_b", "street2_a"):
        assert api_for(users[who]).post(url, {"to": "reviewing"}, format="json").status_code == 404, who
    refused = client.post(url, {"to": "closed"}, format="json")  # early close needs a reason
    assert refused.status_code == 400 and refused.json()["extra"]["field"] == "note"
    page = client_for(users["street_a"])
    detail = page.get(reverse("projects:program-detail", args=[pk])).content.decode()
    assert "data-confirm" in detail and 'value="reviewing"' in detail and "草稿" in detail  # history: 草稿 → 申报中
    response = page.post(reverse("projects:program-transition", args=[pk]), {"to": "reviewing"})
    assert response.status_code == 302
    assert page.post(reverse("projects:program-transition", args=[pk]), {"to": "open"}).status_code == 302
    assert client.post(url, {"to": "closed"}, format="json").json()["status"] == "closed"
    with tenant_context(tree_a["tenant"]):
        program = FundingProgram.objects.get(pk=pk)
        assert program.status == ProgramStatus.CLOSED
        steps = list(StatusChange.objects.filter(workflow="program", object_id=str(pk))
                     .values_list("to_status", flat=True))
        assert steps == ["draft", "open", "reviewing", "closed"]
        assert AuditEvent.objects.filter(action="program.reviewing").count() == 1
    assert client_for(users["street2_a"]).post(reverse("projects:program-transition", args=[pk]),
                                               {"to": "closed"}).status_code == 404


def test_template_create_edit_and_in_use(api_for, users, tree_a, program, experts, query_budget):
    client = api_for(users["street_a"])
    for bad in (_template((60, 30)), _template(()), {"name": 1, "criteria": []},
                {**_template(), "criteria": [{"name": "x", "weight": "100.00", "min_score": "5.00",
                                              "max_score": "1.00"}]}):
        response = client.post(f"{BASE}/templates/", bad, format="json")
        assert response.status_code == 400, (bad, response.content)
    refused = client.post(f"{BASE}/templates/", _template((60, 30)), format="json").json()
    assert "100" in refused["message"]
    created = client.post(f"{BASE}/templates/", _template(), format="json")
    assert created.status_code == 201 and [c["weight"] for c in created.json()["criteria"]] == ["60.00", "40.00"]
    pk = created.json()["id"]
    edited = client.put(f"{BASE}/templates/{pk}/", {**_template((50, 25, 25)), "name": "评审标准二"}, format="json")
    assert edited.status_code == 200 and len(edited.json()["criteria"]) == 3 and not edited.json()["in_use"]
    assert client.post(f"{BASE}/templates/", {**_template(), "name": "评审标准二"}, format="json").status_code == 400
    assert api_for(users["street_b"]).get(f"{BASE}/templates/{pk}/").status_code == 404
    assert api_for(users["community_a"]).put(f"{BASE}/templates/{pk}/", _template(), format="json").status_code == 403
    # Once experts are drawn with a template, its criteria cannot change.
    application = new_application(tree_a, users, program)
    with tenant_context(tree_a["tenant"]):
        services.application_submit(actor=users["community_a"], application=application)
        services.application_start_review(actor=users["street_a"], application=application, seed="tplseed01")
    used = program.review_template_id
    assert client.get(f"{BASE}/templates/{used}/").json()["in_use"] is True
    refused = client.put(f"{BASE}/templates/{used}/", _template(), format="json")
    assert refused.status_code == 400


def test_template_list_query_count_does_not_grow(api_for, users, tree_a, query_budget):
    client = api_for(users["street_a"])

    def make(n):
        with tenant_context(tree_a["tenant"]):
            ReviewTemplateFactory.create_batch(n, tenant=tree_a["tenant"])

    query_budget(make, lambda: client.get(f"{BASE}/templates/"), expected=4, rows=lambda r: len(r.json()),
                 warm=True)


def test_expert_create_and_patch(api_for, users, tree_a):
    client = api_for(users["street_a"])
    payload = {"region": tree_a["street"].pk, "name": "周敏", "affiliation": "南华大学", "fields": ["elderly"]}
    created = client.post(f"{BASE}/experts/", payload, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    for bad in ({"fields": ["nope"]}, {"available": "yes"}, {"employer": 999999}, {"name": ""}):
        assert client.patch(f"{BASE}/experts/{pk}/", bad, format="json").status_code == 400, bad
    patched = client.patch(f"{BASE}/experts/{pk}/", {"available": False, "unavailable_until": "2026-12-31"},
                           format="json")
    assert patched.status_code == 200 and patched.json()["available"] is False
    for who in ("street_b", "street2_a"):
        assert api_for(users[who]).patch(f"{BASE}/experts/{pk}/", {"name": "x"}, format="json").status_code == 404
    assert client.post(f"{BASE}/experts/", {**payload, "region": tree_a["street2"].pk},
                       format="json").status_code in (400, 404)
    with tenant_context(tree_a["tenant"]):
        assert Expert.objects.count() == 1
        assert AuditEvent.objects.filter(action="expert.update").count() == 1


def test_the_same_expert_twice_in_one_pool_is_refused(api_for, users, tree_a):
    client = api_for(users["street_a"])
    payload = {"region": tree_a["street"].pk, "name": "周敏", "affiliation": "南华大学"}
    assert client.post(f"{BASE}/experts/", payload, format="json").status_code == 201
    twice = client.post(f"{BASE}/experts/", payload, format="json")
    assert twice.status_code == 409 and "联系电话" in twice.json()["message"], twice.content
    with_phone = client.post(f"{BASE}/experts/", {**payload, "phone": "13807340000"}, format="json")
    assert with_phone.status_code == 201  # another 周敏, told apart by the phone
    again = client.post(f"{BASE}/experts/", {**payload, "phone": "13807340000"}, format="json")
    assert again.status_code == 409 and "13807340000" in again.json()["message"]
    # Renaming into a duplicate is refused too, and changes nothing.
    other = client.post(f"{BASE}/experts/", {**payload, "name": "吴刚"}, format="json").json()["id"]
    assert client.patch(f"{BASE}/experts/{other}/", {"name": "周敏"}, format="json").status_code == 409
    with tenant_context(tree_a["tenant"]):
        assert Expert.objects.filter(region=tree_a["street"], name="周敏").count() == 2
        assert Expert.objects.get(pk=other).name == "吴刚"
        assert AuditEvent.objects.filter(action="expert.create").count() == Expert.objects.count()


def test_consultation_decides_a_self_governance_application(api_for, users, tree_a, program):
    with tenant_context(tree_a["tenant"]):
        FundingProgram.objects.filter(pk=program.pk).update(kind=ProgramKind.SELF_GOVERNANCE_FUND)
        program.refresh_from_db()
    application = new_application(tree_a, users, program)
    with tenant_context(tree_a["tenant"]):
        services.application_submit(actor=users["community_a"], application=application)
    client = api_for(users["street_a"])
    url = f"{BASE}/applications/{application.pk}/consultation/"
    vote = {"held_on": "2026-03-01", "participants": 40, "votes_for": 30, "votes_against": 5, "minutes": "居民议事会"}
    assert client.post(url, {**vote, "votes_for": 50}, format="json").status_code == 400  # more votes than people
    assert client.post(url, {**vote, "participants": "40"}, format="json").status_code == 400
    assert api_for(users["street_b"]).post(url, vote, format="json").status_code == 404
    decided = client.post(url, vote, format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert client.post(url, vote, format="json").status_code in (400, 409)
    with tenant_context(tree_a["tenant"]):
        assert ReviewTemplate.objects.count() == 1


def test_template_edit_page_and_copy_of_a_template_in_use(client_for, users, tree_a, program, experts):
    client = client_for(users["street_a"])
    pk = program.review_template_id
    page = client.get(reverse("projects:template-edit", args=[pk]))
    assert page.status_code == 200 and "criteria-0-DELETE" in page.content.decode()
    with tenant_context(tree_a["tenant"]):
        names = list(program.review_template.criteria.order_by("position").values_list("name", flat=True))
    form = {"name": "改后的模板", "criteria-TOTAL_FORMS": 3, "criteria-INITIAL_FORMS": 3}
    for i, (name, weight) in enumerate(zip(names, ("50", "50", "0"), strict=True)):
        form.update({f"criteria-{i}-name": name, f"criteria-{i}-weight": weight, f"criteria-{i}-min_score": "0",
                     f"criteria-{i}-max_score": "10"})
    refused = client.post(reverse("projects:template-edit", args=[pk]), {**form, "criteria-1-weight": "40"})
    assert refused.status_code == 200  # 50 + 40 + 0 is not 100; nothing saved
    form["criteria-2-DELETE"] = "on"  # remove the third, reweight the others
    saved = client.post(reverse("projects:template-edit", args=[pk]), form)
    assert saved.status_code == 302, saved.content.decode()
    with tenant_context(tree_a["tenant"]):
        template = ReviewTemplate.objects.get(pk=pk)
        assert template.name == "改后的模板"
        assert [str(c.weight) for c in template.criteria.order_by("position")] == ["50.00", "50.00"]
    assert client_for(users["street_b"]).get(reverse("projects:template-edit", args=[pk])).status_code == 404
    assert client_for(users["community_a"]).get(reverse("projects:template-edit", args=[pk])).status_code in (403, 404)
    # Once experts are drawn with it, editing is refused and a copy is the way.
    application = new_application(tree_a, users, program)
    with tenant_context(tree_a["tenant"]):
        services.application_submit(actor=users["community_a"], application=application)
        services.application_start_review(actor=users["street_a"], application=application, seed="tplseed02")
    refused = client.get(reverse("projects:template-edit", args=[pk]), follow=True)
    assert "copy it instead" in refused.content.decode() or "复制" in refused.content.decode()
    copied = client.post(reverse("projects:template-copy", args=[pk]))
    assert copied.status_code == 302
    with tenant_context(tree_a["tenant"]):
        copy = ReviewTemplate.objects.get(name="改后的模板 v2")
        assert copy.criteria.count() == 2 and AuditEvent.objects.filter(action="review_template.copy").exists()
    assert client.get(reverse("projects:template-edit", args=[copy.pk])).status_code == 200
