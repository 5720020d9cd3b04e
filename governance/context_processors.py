"""The UI shell's context: the sidebar assembled from ``governance.registry`` for this user."""

from django.conf import settings
from django.urls import NoReverseMatch

from governance import registry, selectors
from governance.reversing import cached_reverse


def _entries_for(user) -> list[tuple[registry.NavEntry, str]]:
    roles = selectors.user_roles(user) if user.tenant_id else set()
    visible = []
    for entry in registry.nav_entries():
        if not entry.allowed(user, roles):
            continue
        try:
            visible.append((entry, cached_reverse(entry.url_name)))
        except NoReverseMatch:
            continue
    return visible


def _active(entries: list[tuple[registry.NavEntry, str]], path: str) -> str | None:
    """The entry whose URL (or declared prefix) is the longest prefix of ``path``; home only when exact."""
    best, best_len = None, -1
    for entry, url in entries:
        for prefix in (url, *entry.match):
            matches = path == prefix if prefix == "/" else path.startswith(prefix)
            if matches and len(prefix) > best_len:
                best, best_len = entry.url_name, len(prefix)
    return best


def navigation(request):
    user = getattr(request, "user", None)
    context = {"platform_name": settings.PLATFORM_NAME, "current_tenant": getattr(request, "tenant", None),
               "nav_sections": [], "nav_current": None}
    if user is None or not user.is_authenticated:
        return context
    entries = _entries_for(user)
    active = _active(entries, request.path)
    labels = {section.key: section for section in registry.sections()}
    grouped: dict[str, list[dict]] = {}
    for entry, url in entries:
        item = {"label": entry.label, "url": url, "active": entry.url_name == active,
                "badge_id": f"nav-badge-{entry.url_name.replace(':', '-')}" if entry.badge else "",
                "section": entry.section}
        grouped.setdefault(entry.section, []).append(item)
        if item["active"]:
            context["nav_current"] = {**item, "section_label": labels[entry.section].label
                                      if entry.section in labels else ""}
    context["nav_sections"] = [
        {"key": section.key, "label": section.label, "items": grouped[section.key]}
        for section in registry.sections() if section.key in grouped
    ]
    context["nav_has_badges"] = any(item["badge_id"] for items in grouped.values() for item in items)
    return context


def nav_badge_counts(user) -> dict[str, int]:
    """``badge_id → count`` for the entries this user sees (one call of every to-do provider)."""
    todos = registry.todo_items(user)
    counts = {}
    for entry, _url in _entries_for(user):
        if entry.badge is None:
            continue
        if callable(entry.badge):
            n = int(entry.badge(user) or 0)
        else:
            n = sum(item.count for item in todos if item.key.startswith(entry.badge))
        counts[f"nav-badge-{entry.url_name.replace(':', '-')}"] = n
    return counts
