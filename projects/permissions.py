"""Permission predicates of purchased-service projects: ``(user, obj=None) -> bool``.

Jurisdiction as in orgs: the object's region lies in a subtree where the user holds one of the roles.
Programs are owned by a street or district (``program.region``); applications belong to the applying
unit (``application.region``); the owner of the program decides them. Experts act only on their own
assignments (``Expert.user``). Predicates never look at a status: the workflows do.
"""

from __future__ import annotations

from governance.models.accounts import Role
from orgs.permissions import has_any_role, region_in_jurisdiction

# Who sees programs, applications and the expert pool of their subtree.
VIEW_ROLES = frozenset({Role.TENANT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.AUDITOR})
# Who writes applications for their unit (community or street office).
APPLY_ROLES = frozenset({Role.TENANT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF})
# Who runs programs: calls, review templates, the expert pool, draws and decisions.
PROGRAM_ROLES = frozenset({Role.TENANT_ADMIN, Role.STREET_STAFF})
EXPERT_ROLES = frozenset({Role.EXPERT})


def can_view_projects(user, obj=None) -> bool:
    return has_any_role(user, VIEW_ROLES)


def can_manage_programs(user, obj=None) -> bool:
    return has_any_role(user, PROGRAM_ROLES)


def can_view_program(user, program=None) -> bool:
    return program is not None and region_in_jurisdiction(user, program.region, VIEW_ROLES)


def can_edit_program(user, program=None) -> bool:
    return program is not None and region_in_jurisdiction(user, program.region, PROGRAM_ROLES)


def can_create_application(user, obj=None) -> bool:
    return has_any_role(user, APPLY_ROLES)


def can_view_application(user, application=None) -> bool:
    return application is not None and (
        region_in_jurisdiction(user, application.region, VIEW_ROLES)
        or region_in_jurisdiction(user, application.program.region, VIEW_ROLES))


def can_edit_application(user, application=None) -> bool:
    """The applying unit's staff write and submit (and resubmit) their application."""
    return application is not None and region_in_jurisdiction(user, application.region, APPLY_ROLES)


def can_decide_application(user, application=None) -> bool:
    """The program owner sends it to review, approves, returns or rejects it."""
    return application is not None and region_in_jurisdiction(user, application.program.region, PROGRAM_ROLES)


def can_manage_experts(user, obj=None) -> bool:
    return has_any_role(user, PROGRAM_ROLES)


def can_edit_expert(user, expert=None) -> bool:
    return expert is not None and region_in_jurisdiction(user, expert.region, PROGRAM_ROLES)


def can_import_experts(user, obj=None) -> bool:
    return has_any_role(user, PROGRAM_ROLES)


def is_expert(user, obj=None) -> bool:
    return has_any_role(user, EXPERT_ROLES)


def is_assigned_expert(user, assignment=None) -> bool:
    """The expert of this assignment, signed in with their own account."""
    return (assignment is not None and is_expert(user) and assignment.expert.user_id is not None
            and assignment.expert.user_id == user.pk and assignment.tenant_id == user.tenant_id)


def can_see_all_scores(user, application=None) -> bool:
    """Staff of the program owner see every expert's scores (experts see only their own until they submit)."""
    return can_decide_application(user, application)
