"""What resident satisfaction plugs into the core (called from ``ProjectsConfig.ready``): the menu entry,
audit labels and the demo seeder. The menu's role set is the one the list view checks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from governance import registry
from projects import permissions
from projects.audit_ratings import RatingsAudit

SECTION = "projects"


def register() -> None:
    from projects.demo_ratings import seed_ratings

    registry.register_nav(section=SECTION, label=gettext_lazy("Resident satisfaction"), url_name="ratings:list",
                          roles=permissions.VIEW_ROLES, order=13)
    registry.register_audit_actions(RatingsAudit)
    registry.register_seeder("projects_ratings", seed_ratings, layer=32,
                             help="rating surveys, one-time codes and resident ratings of the demo contracts")
