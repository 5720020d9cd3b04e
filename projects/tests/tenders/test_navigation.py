"""Tender and contract pages in the menu: shown exactly to the roles that may open them; 待办 per role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance import registry
from projects.navigation_tenders import todos
from projects.services import contracts as contract_services

MY_PAGES = {"projects:tender-list", "projects:contract-list", "projects:risk-list", "projects:portal-calls",
            "projects:portal-bids", "projects:portal-contracts"}


def _nav_names(user) -> set[str]:
    from governance.context_processors import _entries_for

    return {entry.url_name for entry, _url in _entries_for(user)}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin_a", "street_a", "community_a", "grid_a", "expert_a", "org_a", "party_a",
                                  "auditor_a", "norole_a"])
def test_shown_in_the_menu_iff_it_opens(users, client_for, in_tenant, role):
    user = users[role]
    client = client_for(user)
    with in_tenant(user.tenant):
        shown = _nav_names(user)
    entries = [entry for entry in registry.nav_entries() if entry.url_name in MY_PAGES]
    assert {entry.url_name for entry in entries} == MY_PAGES
    for entry in entries:
        status = client.get(reverse(entry.url_name)).status_code
        assert (status == 200) == (entry.url_name in shown), (role, entry.url_name, status)


@pytest.mark.django_db
def test_todos_follow_the_steps(world, users):
    def counts(user):
        return {item.key: item.count for item in todos(user)}

    tender = world.open()
    assert counts(world.bidder)["projects.portal.calls"] == 1
    world.bid(tender)
    assert counts(world.bidder)["projects.portal.calls"] == 0
    world.close_window(tender)
    assert counts(world.street)["projects.tender.check"] == 1
    assert counts(users["street2_a"])["projects.tender.check"] == 0
    assert "projects.tender.check" not in counts(users["community_a"])
    world.application = type(world.application).objects.create(
        tenant=world.tenant, program=world.program, region=world.tree["community"], number="SQ-T2", title="二期",
        need_statement="需求", target_groups="老人", status="approved", approved_amount=80000)
    _tender2, _bids, award = world.awarded()
    assert counts(world.street)["projects.contract.draw"] == 0  # standstill period running
    world.past_standstill(award)
    assert counts(world.street)["projects.contract.draw"] == 1
    contract = world.contract(award)
    assert counts(world.street)["projects.contract.draw"] == 0
    assert counts(world.street)["projects.contract.sign"] == 1
    contract_services.contract_sign(actor=world.street, contract=contract)
    assert counts(world.street)["projects.contract.sign"] == 0
