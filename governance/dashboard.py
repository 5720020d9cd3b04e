"""Home dashboard: the user's jurisdiction and live counts.

The core assembles dashboards from every app's selectors (DESIGN.md §4); domain apps add their
panels through ``register_panel`` in their ``AppConfig.ready()`` so the core does not import them.
"""

from collections.abc import Callable

from django.utils import timezone

from governance import selectors
from governance.models import AuditEvent, RegionLevel, User
from governance.permissions import can_view_audit_log

_panels: list[Callable] = []
_home_redirects: list[Callable] = []


def register_home_redirect(func: Callable) -> Callable:
    """``func(request) -> url | None``: send a user whose work lives elsewhere (e.g. the portal) there."""
    if func not in _home_redirects:
        _home_redirects.append(func)
    return func


def home_redirect(request) -> str | None:
    for func in _home_redirects:
        url = func(request)
        if url:
            return url
    return None


def register_panel(func: Callable) -> Callable:
    """``func(request, regions) -> dict | None`` adds a panel (title, template, context) to the home page."""
    if func not in _panels:
        _panels.append(func)
    return func


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
    }
    if user.tenant_id and can_view_audit_log(user):
        today = timezone.localdate()
        context["audit_today"] = AuditEvent.objects.filter(created_at__date=today).count()
        context["user_count"] = User.objects.filter(tenant_id=user.tenant_id, is_active=True).count()
    for panel in _panels:
        result = panel(request, regions)
        if result:
            context["panels"].append(result)
    return context
