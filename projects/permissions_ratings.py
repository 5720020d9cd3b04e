"""Who may do what with resident satisfaction surveys: ``(user, obj=None) -> bool``, never looking at a status.

Staff who see the contract (its buyer street or applying community, auditors) see its results. The buyer
(street staff, tenant administrators) opens the survey and changes its settings and questions; the applying
community's staff also collect ratings (one-time codes, posters, paper surveys), as they run the events.
The tenant's default question set belongs to the tenant administrator.
"""

from __future__ import annotations

from governance.models.accounts import Role
from orgs.permissions import has_any_role, region_in_jurisdiction
from projects.permissions import APPLY_ROLES, PROGRAM_ROLES, VIEW_ROLES

QUESTION_ROLES = frozenset({Role.TENANT_ADMIN})


def can_view_ratings(user, obj=None) -> bool:
    return has_any_role(user, VIEW_ROLES)


def can_view_survey_of(user, contract=None) -> bool:
    return contract is not None and (region_in_jurisdiction(user, contract.region, VIEW_ROLES)
                                     or region_in_jurisdiction(user, contract.application.region, VIEW_ROLES))


def can_manage_survey(user, contract=None) -> bool:
    return contract is not None and region_in_jurisdiction(user, contract.region, PROGRAM_ROLES)


def can_collect_ratings(user, contract=None) -> bool:
    return contract is not None and (region_in_jurisdiction(user, contract.region, APPLY_ROLES)
                                     or region_in_jurisdiction(user, contract.application.region, APPLY_ROLES))


def can_edit_default_questions(user, obj=None) -> bool:
    return has_any_role(user, QUESTION_ROLES)
