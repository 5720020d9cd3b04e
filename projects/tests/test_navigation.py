"""Projects in the UI shell: menu entries open for exactly the roles that see them; 待办 counts per role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance import registry
from governance.tenancy import tenant_context
from projects import services
from projects.navigation import todos

MY_PAGES = {"projects:program-list", "projects:application-list", "projects:expert-list",
            "projects:assignment-list"}


def _nav_names(user) -> set[str]:
    from governance.context_processors import _entries_for

    with tenant_context(user.tenant):
        return {entry.url_name for entry, _url in _entries_for(user)}


@pytest.mark.parametrize("role", ["admin_a", "street_a", "community_a", "grid_a", "expert_a", "org_a", "party_a",
                                  "auditor_a", "norole_a"])
def test_shown_in_the_menu_iff_it_opens(users, client_for, role):
    user = users[role]
    client = client_for(user)
    shown = _nav_names(user)
    for entry in registry.nav_entries():
        if entry.url_name not in MY_PAGES:
            continue
        status = client.get(reverse(entry.url_name)).status_code
        assert (status == 200) == (entry.url_name in shown), (role, entry.url_name, status)


def test_todos_count_reviews_and_scores(tree_a, users, program, experts, submitted):
    with tenant_context(tree_a["tenant"]):
        street = {item.key: item.count for item in todos(users["street_a"])}
        assert street["projects.application.review"] == 1
        assert {item.key: item.count for item in todos(users["street2_a"])}["projects.application.review"] == 0
        services.application_start_review(actor=users["street_a"], application=submitted, seed="todoseed")
        mine = submitted.assignments.filter(expert__user=users["expert_a"]).count()
        assert {item.key: item.count for item in todos(users["expert_a"])}["projects.review.score"] == mine
        assert {item.key: item.count for item in todos(users["street_a"])}["projects.application.review"] == 0
