"""The registry's panel on the home page (registered in ``OrgsConfig.ready``).

Staff and auditors see the counts of their jurisdiction, each linking to the filtered list;
organization users see a link to their portal.
"""

from __future__ import annotations

from orgs import permissions, selectors

PANEL_TEMPLATE = "orgs/registry/_home_panel.html"


def home_panel(request, regions) -> dict | None:
    user = request.user
    if not getattr(user, "tenant_id", None):
        return None
    if permissions.has_any_role(user, permissions.VIEW_ROLES):
        if not regions:
            return None
        stats = selectors.organization_stats(user=user)
        return {
            "template": PANEL_TEMPLATE,
            "stats": stats,
            # Rows with at least one organization: an empty kind or grade is noise on a small screen.
            "by_kind": [row for row in stats["by_kind"] if row["count"]],
            "by_status": [row for row in stats["by_status"] if row["count"]],
            "by_grade": stats["by_grade"],
            "by_credit": {row["code"]: row["count"] for row in stats["by_credit_list"]},
        }
    if permissions.is_org_user(user):
        return {"template": PANEL_TEMPLATE, "portal": True}
    return None


def portal_redirect(request):
    """Organization users who hold no staff role land on their portal instead of the staff home."""
    from django.urls import reverse

    from governance.models.accounts import STAFF_ROLES, Role
    from governance.selectors import user_roles

    roles = user_roles(request.user)
    if Role.ORG_USER in roles and not roles & (set(STAFF_ROLES) | {Role.PARTY_OFFICER, Role.EXPERT}):
        return reverse("orgs:portal")
    return None
