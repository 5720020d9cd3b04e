"""Staff and expert pages through HTTP: access (404 for tenant B and outside the jurisdiction), the steps,
and exact query counts of the list pages at two sizes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.tenancy import tenant_context
from projects import services
from projects.models import Application, ApplicationStatus
from projects.tests.conftest import TASKBOOK, form_rows, new_application, row_makers


@pytest.fixture
def in_review(tree_a, users, program, experts, submitted):
    with tenant_context(tree_a["tenant"]):
        services.application_start_review(actor=users["street_a"], application=submitted, seed="viewseed")
    return submitted


def _detail_urls(program, application, expert):
    return [reverse("projects:program-detail", args=[program.pk]),
            reverse("projects:application-detail", args=[application.pk]),
            reverse("projects:expert-detail", args=[expert.pk])]


LISTS = ["projects:program-list", "projects:application-list", "projects:expert-list"]


def test_staff_open_lists_and_details(client_for, users, program, experts, in_review):
    for who in ("street_a", "community_a", "admin_a", "auditor_a"):
        client = client_for(users[who])
        for name in LISTS:
            assert client.get(reverse(name)).status_code == 200, (who, name)
    client = client_for(users["street_a"])
    for url in _detail_urls(program, in_review, experts[0]):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "viewseed" in client.get(_detail_urls(program, in_review, experts[0])[1]).content.decode()


def test_other_tenant_and_other_jurisdiction_get_404(client_for, users, program, experts, in_review):
    urls = _detail_urls(program, in_review, experts[0])
    for who in ("street_b", "admin_b", "street2_a"):
        client = client_for(users[who])
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
        for name in ("projects:application-list", "projects:program-list", "projects:expert-list"):
            body = client.get(reverse(name)).content.decode()
            assert in_review.number not in body and program.name not in body, (who, name)
    for who in ("grid_a", "org_a", "norole_a", "expert_a"):
        client = client_for(users[who])
        for name in LISTS:
            assert client.get(reverse(name)).status_code == 404, (who, name)


def test_experts_see_only_their_assignments(client_for, users, tree_a, experts, in_review):
    with tenant_context(tree_a["tenant"]):
        mine = in_review.assignments.filter(expert__user=users["expert_a"]).first()
        others = list(in_review.assignments.exclude(expert__user=users["expert_a"]))
    client = client_for(users["expert_a"])
    assert client.get(reverse("projects:assignment-list")).status_code == 200
    for other in others:
        assert client.get(reverse("projects:assignment-detail", args=[other.pk])).status_code == 404
    if mine is not None:
        assert client.get(reverse("projects:assignment-detail", args=[mine.pk])).status_code == 200
    assert client_for(users["street_a"]).get(reverse("projects:assignment-list")).status_code == 404
    assert client.get(reverse("projects:application-detail", args=[in_review.pk])).status_code == 404


def test_expert_scores_and_submits_through_the_page(client_for, users, tree_a, program, experts, in_review):
    with tenant_context(tree_a["tenant"]):
        assignment = in_review.assignments.select_related("expert__user").first()
        criteria = list(program.review_template.criteria.order_by("position"))
    client = client_for(assignment.expert.user)
    url = reverse("projects:assignment-detail", args=[assignment.pk])
    data = {f"c{c.pk}": "8" for c in criteria} | {f"na{criteria[2].pk}": "on", "comment": "方案扎实", "action": "submit"}
    response = client.post(url, data)
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        assignment.refresh_from_db()
    assert assignment.status == "submitted" and str(assignment.weighted_score) == "80.00"
    bad = client.post(url, {f"c{criteria[0].pk}": "8", "action": "save"})  # already submitted: refused, no 500
    assert bad.status_code in (200, 302)


def test_application_form_creates_with_budget_and_task_book(client_for, users, tree_a, program):
    client = client_for(users["community_a"])
    data = {"program": program.pk, "region": tree_a["community"].pk, "title": "四点半课堂",
            "need_statement": "双职工家庭子女放学后无人看护。", "target_groups": "儿童", "beneficiaries": 60,
            "service_period_months": 12, "cosigners-TOTAL_FORMS": 0, "cosigners-INITIAL_FORMS": 0} | form_rows()
    share = next(i for i, row in enumerate(TASKBOOK) if row["unit"] == "%")
    # A percentage cannot be added up over periods: refused on its row, nothing saved.
    data[f"indicators-{share}-aggregation"] = "cumulative"
    refused = client.post(reverse("projects:application-create"), data)
    assert refused.status_code == 200 and "百分比指标不能按期累加" in refused.content.decode()
    data[f"indicators-{share}-aggregation"] = ""  # 自动: a percentage is reported per period
    response = client.post(reverse("projects:application-create"), data)
    assert response.status_code == 302, [str(e) for e in response.context["form"].errors.items()] + [
        response.context["budget"].errors, response.context["taskbook"].errors]
    with tenant_context(tree_a["tenant"]):
        application = Application.objects.get(title="四点半课堂")
        assert application.requested_amount == 50000 and application.indicators.count() == 2
        assert dict(application.indicators.values_list("unit", "aggregation")) == {
            "%": "per_period", **{row["unit"]: "cumulative" for row in TASKBOOK if row["unit"] != "%"}}
    data["indicators-1-weight"] = "10"
    data["title"] = "权重不对"
    response = client.post(reverse("projects:application-create"), data)
    assert response.status_code == 200 and "70" in response.content.decode()
    with tenant_context(tree_a["tenant"]):
        assert not Application.objects.filter(title="权重不对").exists()


def test_submit_and_decide_through_the_pages(client_for, users, tree_a, program):
    application = new_application(tree_a, users, program)
    community = client_for(users["community_a"])
    assert community.post(reverse("projects:application-submit", args=[application.pk])).status_code == 302
    again = community.post(reverse("projects:application-submit", args=[application.pk]), follow=True)
    assert again.status_code == 200  # refused with a message, not a 500
    street = client_for(users["street_a"])
    street.post(reverse("projects:application-decide", args=[application.pk]), {"to": "returned", "note": "补充"})
    with tenant_context(tree_a["tenant"]):
        application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED


def test_list_pages_query_counts_do_not_grow(client_for, users, tree_a, query_budget):
    client = client_for(users["street_a"])
    makers = row_makers(tree_a)
    rows = lambda r: r.content.decode().count("<tr>")  # noqa: E731
    for kind, name in (("applications", "application-list"), ("programs", "program-list"), ("experts", "expert-list")):
        query_budget(makers[kind], lambda name=name: client.get(reverse(f"projects:{name}")), expected=6,
                     rows=rows, warm=True)
