"""What projects plugs into the core: sidebar entries and 待办 (registered in ``ProjectsConfig.ready``).

The role sets come from ``projects.permissions``, the sets the views check, so menu and access agree.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import registry
from governance.registry import TodoItem
from governance.selectors import scope_to_user, user_roles
from projects import permissions
from projects.models import Application, ApplicationStatus, AssignmentStatus, ReviewAssignment

SECTION = "projects"


def register() -> None:
    registry.register_section(SECTION, gettext_lazy("Purchased services"), order=30)
    staff = permissions.VIEW_ROLES
    entries = [
        ("projects:program-list", gettext_lazy("Funding programs"), staff, None),
        ("projects:application-list", gettext_lazy("Applications"), staff, "projects.application"),
        ("projects:expert-list", gettext_lazy("Expert pool"), staff, None),
        ("projects:assignment-list", gettext_lazy("My reviews"), permissions.EXPERT_ROLES, "projects.review"),
        ("projects:my-relations", gettext_lazy("My declared relations"), permissions.EXPERT_ROLES, None),
    ]
    for order, (url_name, label, roles, badge) in enumerate(entries):
        registry.register_nav(section=SECTION, label=label, url_name=url_name, roles=roles, badge=badge,
                              order=order)
    registry.register_todo(todos)


def todos(user) -> list[TodoItem]:
    """Applications awaiting this user's review decision, and reviews awaiting this expert's scores."""
    roles = user_roles(user)
    items: list[TodoItem] = []
    if roles & permissions.PROGRAM_ROLES:
        n = scope_to_user(Application.objects.filter(status=ApplicationStatus.SUBMITTED), user,
                          region_field="program__region", roles=permissions.PROGRAM_ROLES).count()
        items.append(TodoItem("projects.application.review", _("%(n)s applications await review") % {"n": n}, n,
                              reverse("projects:application-list") + "?status=submitted", priority=20))
    if roles & permissions.APPLY_ROLES:
        n = scope_to_user(Application.objects.filter(status=ApplicationStatus.RETURNED), user,
                          roles=permissions.APPLY_ROLES).count()
        items.append(TodoItem("projects.application.returned",
                              _("%(n)s applications were returned for revision") % {"n": n}, n,
                              reverse("projects:application-list") + "?status=returned", priority=15,
                              level="warning"))
    if roles & permissions.EXPERT_ROLES:
        n = ReviewAssignment.objects.filter(expert__user_id=user.pk, status=AssignmentStatus.PENDING).count()
        items.append(TodoItem("projects.review.score", _("%(n)s applications await your scores") % {"n": n}, n,
                              reverse("projects:assignment-list") + "?status=pending", priority=25))
    return items
