"""Home dashboard: the user's jurisdiction and live counts.

The core assembles dashboards from every app's selectors (DESIGN.md §4); domain apps add their
panels and to-do providers through ``governance.registry`` in their ``AppConfig.ready()`` so the core does
not import them. The first block of the home page is the user's to-do list (待办).
"""

from django.utils import timezone

from governance import registry, selectors
from governance.models import RegionLevel
from governance.permissions import can_view_audit_log

# Kept for callers of the first API; apps declare panels and redirects through ``governance.registry``.
register_panel = registry.register_panel
register_home_redirect = registry.register_home_redirect


def home_redirect(request) -> str | None:
    for func in registry.home_redirects():
        url = func(request)
        if url:
            return url
    return None


def home_context(request) -> dict:
    user = request.user
    regions = list(selectors.user_regions(user, roles=selectors._all_roles()).select_related("parent"))
    counts: dict[int, int] = {}
    for region in regions:
        for level, n in selectors.region_counts(region).items():
            counts[level] = counts.get(level, 0) + n
    stats = [(RegionLevel(level).label, counts[level]) for level in sorted(counts)]
    context = {
        "regions": regions,
        "region_stats": stats,
        "roles": sorted({a for a in selectors.user_roles(user)}),
        "panels": [],
        "todos": registry.todo_items(user),
    }
    if user.tenant_id and can_view_audit_log(user):
        today = timezone.localdate()
        # Scoped like the audit log itself: an auditor counts the events of their subtree only.
        context["audit_today"] = selectors.audit_event_list(user=user).filter(created_at__date=today).count()
        context["user_count"] = selectors.active_user_count(user=user)
    for panel in registry.panels():
        result = panel(request, regions)
        if result:
            context["panels"].append(result)
    return context
