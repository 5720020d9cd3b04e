from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance import selectors
from governance.models.accounts import Role

# (label, url name, roles that see it; None = everyone signed in). Domain apps append to NAV_ITEMS.
NAV_ITEMS: list[tuple] = [
    (_("Home"), "home", None),
    (_("Jurisdiction"), "region-list", None),
]
NAV_TAIL: list[tuple] = [
    (_("Audit log"), "audit-list", {Role.TENANT_ADMIN, Role.AUDITOR}),
]


def register_nav(label, url_name: str, roles=None) -> None:
    item = (label, url_name, set(roles) if roles else None)
    if all(existing[1] != url_name for existing in NAV_ITEMS):
        NAV_ITEMS.append(item)


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        roles = selectors.user_roles(user) if user.tenant_id else set()
        for label, url_name, allowed in [*NAV_ITEMS, *NAV_TAIL]:
            if allowed is None or roles & allowed:
                url = reverse(url_name)
                items.append({"label": label, "url": url, "active": request.path == url
                              or (url != "/" and request.path.startswith(url))})
    return {
        "nav_items": items,
        "platform_name": settings.PLATFORM_NAME,
        "current_tenant": getattr(request, "tenant", None),
    }
