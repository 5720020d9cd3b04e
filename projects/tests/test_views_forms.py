"""The staff forms through HTTP: a program, a review template, an expert and a declared relation."""

from __future__ import annotations

from django.urls import reverse

from governance.tenancy import tenant_context
from orgs.tests.factories import OrganizationFactory
from projects.models import Expert, FundingProgram, ReviewTemplate


def test_program_template_and_expert_forms(client_for, users, tree_a):
    client = client_for(users["street_a"])
    for name in ("projects:program-create", "projects:template-create", "projects:expert-create"):
        assert client.get(reverse(name)).status_code == 200, name
    template = {"name": "评审标准", "criteria-TOTAL_FORMS": 2, "criteria-INITIAL_FORMS": 0,
                "criteria-0-name": "需求", "criteria-0-weight": "60", "criteria-0-min_score": "0",
                "criteria-0-max_score": "10", "criteria-0-allow_not_applicable": "on",
                "criteria-1-name": "方案", "criteria-1-weight": "30", "criteria-1-min_score": "0",
                "criteria-1-max_score": "10"}
    refused = client.post(reverse("projects:template-create"), template)
    assert refused.status_code == 200 and "90" in refused.content.decode()
    template["criteria-1-weight"] = "40"
    assert client.post(reverse("projects:template-create"), template).status_code == 302
    with tenant_context(tree_a["tenant"]):
        template_pk = ReviewTemplate.objects.get().pk
    program = {"region": tree_a["street"].pk, "name": "养老服务", "kind": "government_purchase", "year": 2026,
               "status": "open", "budget_pool": "200000", "cap_per_application": "300000",
               "application_opens": "2026-01-01", "application_closes": "2026-12-31", "review_opens": "2026-01-01",
               "review_closes": "2026-12-31", "review_template": template_pk, "experts_per_application": 5,
               "spread_margin": "20", "pass_score": "60", "min_years_registered": 2, "require_active": "on"}
    refused = client.post(reverse("projects:program-create"), program)  # the cap exceeds the pool
    assert refused.status_code == 200
    program["cap_per_application"] = "50000"
    created = client.post(reverse("projects:program-create"), program)
    assert created.status_code == 302, created.content.decode()[:500]
    with tenant_context(tree_a["tenant"]):
        saved = FundingProgram.objects.get()
        org = OrganizationFactory(region=tree_a["street"])
    assert saved.cap_per_application == 50000 and saved.review_template_id == template_pk
    assert client.get(reverse("projects:program-edit", args=[saved.pk])).status_code == 200
    expert = {"region": tree_a["street"].pk, "name": "周敏", "title": "教授", "affiliation": "南华大学",
              "fields": ["elderly", "legal"], "available": "on", "employer": org.pk}
    assert client.post(reverse("projects:expert-create"), expert).status_code == 302
    with tenant_context(tree_a["tenant"]):
        saved_expert = Expert.objects.get()
    assert saved_expert.fields == ["elderly", "legal"] and saved_expert.employer_id == org.pk
    relation = {"organization": org.pk, "kind": "consultant", "reason": "曾任该机构顾问"}
    assert client.post(reverse("projects:expert-relation-add", args=[saved_expert.pk]), relation).status_code == 302
    with tenant_context(tree_a["tenant"]):
        assert saved_expert.relations.count() == 1
    # Another street's staff may neither open nor change them.
    other = client_for(users["street2_a"])
    assert other.get(reverse("projects:program-edit", args=[saved.pk])).status_code == 404
    assert other.post(reverse("projects:expert-relation-add", args=[saved_expert.pk]), relation).status_code == 404
