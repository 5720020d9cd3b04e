"""Permission predicates of evaluations: ``(user, obj=None) -> bool`` (never looking at a status).

The buyer's staff (who manage the contract) publish evaluations and enter expert scores; whoever may see
the contract reads its computed evaluations; the supplier organization's members read published ones.
"""

from __future__ import annotations

from governance.models.accounts import Role
from governance.selectors import user_roles
from orgs.permissions import is_member
from projects.permissions import PROGRAM_ROLES, VIEW_ROLES
from projects.permissions_tenders import can_manage_contract, can_view_contract

SETTINGS_ROLES = frozenset({Role.TENANT_ADMIN})


def can_view_evaluations(user, obj=None) -> bool:
    return bool(user_roles(user) & VIEW_ROLES)


def can_view_evaluation(user, evaluation=None) -> bool:
    return evaluation is not None and can_view_contract(user, evaluation.contract)


def can_publish_evaluation(user, evaluation=None) -> bool:
    return evaluation is not None and can_manage_contract(user, evaluation.contract)


def can_enter_expert_score(user, contract=None) -> bool:
    return contract is not None and can_manage_contract(user, contract)


def is_supplier_member(user, evaluation=None) -> bool:
    return evaluation is not None and is_member(user, evaluation.contract.organization)


def can_edit_evaluation_settings(user, obj=None) -> bool:
    return bool(user_roles(user) & SETTINGS_ROLES)


__all__ = ["PROGRAM_ROLES", "SETTINGS_ROLES", "VIEW_ROLES", "can_edit_evaluation_settings",
           "can_enter_expert_score", "can_publish_evaluation", "can_view_evaluation", "can_view_evaluations",
           "is_supplier_member"]
