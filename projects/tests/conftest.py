"""Fixtures of the project tests: a program at tenant A's street with a template, and an expert pool."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import make_user
from governance.models.accounts import Role
from governance.tenancy import tenant_context
from projects import services
from projects.tests.factories import ExpertFactory, ProgramFactory, template_with_criteria

BUDGET = [{"category": "personnel", "amount": Decimal("30000"), "rationale": "社工劳务"},
          {"category": "activities", "amount": Decimal("20000"), "rationale": "活动物资"}]
TASKBOOK = [{"name": "服务人次", "kind": "output", "unit": "人次", "target": Decimal("500"), "weight": Decimal("60")},
            {"name": "满意度", "kind": "satisfaction", "unit": "%", "target": Decimal("90"), "weight": Decimal("40")}]


@pytest.fixture
def program(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        template = template_with_criteria((40, 30, 30))
        return ProgramFactory(region=tree_a["street"], review_template=template, experts_per_application=3)


@pytest.fixture
def experts(tree_a, users):
    """Five pool experts at the street, each with an expert account; the first is ``users['expert_a']``."""
    tenant = tree_a["tenant"]
    accounts = [users["expert_a"]] + [make_user(tenant, f"expert{i}_a", Role.EXPERT, tree_a["root"])
                                      for i in range(1, 5)]
    with tenant_context(tenant):
        return [ExpertFactory(region=tree_a["street"], user=account) for account in accounts]


def form_rows(budget=BUDGET, taskbook=TASKBOOK, *, edit: bool = False) -> dict:
    """The budget and task book rows of the application form's POST (``edit``: they are the initial rows)."""
    data = {"lines-TOTAL_FORMS": len(budget), "lines-INITIAL_FORMS": len(budget) if edit else 0,
            "indicators-TOTAL_FORMS": len(taskbook), "indicators-INITIAL_FORMS": len(taskbook) if edit else 0}
    for i, line in enumerate(budget):
        data |= {f"lines-{i}-{k}": v for k, v in line.items()}
    for i, row in enumerate(taskbook):
        data |= {f"indicators-{i}-{k}": v for k, v in row.items()} | {
            f"indicators-{i}-baseline": 0, f"indicators-{i}-direction": "ascending",
            f"indicators-{i}-aggregation": "per_period" if row["unit"] == "%" else "cumulative"}
    return data


def new_application(tree_a, users, program, **extra):
    with tenant_context(tree_a["tenant"]):
        return services.application_create(
            actor=users["community_a"], program=program, region=tree_a["community"], title="居家养老服务",
            need_statement="独居老人需要上门探访。", target_groups="独居老人", beneficiaries=100,
            budget_lines=extra.pop("budget_lines", BUDGET), indicators=extra.pop("indicators", TASKBOOK), **extra)


@pytest.fixture
def submitted(tree_a, users, program):
    application = new_application(tree_a, users, program)
    with tenant_context(tree_a["tenant"]):
        services.application_submit(actor=users["community_a"], application=application)
    return application


def row_makers(tree_a):
    """``make_rows(n)`` functions for the query-budget tests: applications, programs and experts."""
    from projects.tests.factories import ApplicationFactory

    with tenant_context(tree_a["tenant"]):
        program = ProgramFactory(region=tree_a["street"])

    def maker(factory, **fields):
        def make(n):
            with tenant_context(tree_a["tenant"]):
                factory.create_batch(n, **fields)
        return make

    return {"applications": maker(ApplicationFactory, program=program, region=tree_a["community"]),
            "programs": maker(ProgramFactory, region=tree_a["street"]),
            "experts": maker(ExpertFactory, region=tree_a["street"])}
