"""The kit every app plugs into: what an app declares in its ``AppConfig.ready()``.

The core imports no domain app (PostHog's route registry, our earlier ``register_panel``): an app tells
the core what it offers and the core assembles menus, the to-do list (待办), the home page, the demo,
the beat schedule and the audit-log labels from those declarations.

    from governance import registry

    registry.register_section("orgs", _("Social organizations"), order=20)
    registry.register_nav(section="orgs", label=_("Filings"), url_name="orgs:filing-list",
                          roles=permissions.VIEW_ROLES, badge=todo_counts.filings_to_review)
    registry.register_todo(orgs_todos)                       # (user) -> iterable of TodoItem
    registry.register_panel(home_panel)                      # (request, regions) -> dict | None
    registry.register_seeder("orgs", seed, layer=20)         # (*, scale, stdout) -> None
    registry.register_periodic_task("orgs: daily credit rules", "orgs.apply_credit_rules",
                                    crontab={"minute": "30", "hour": "2"}, per_tenant=True)
    registry.register_audit_actions(OrgsAudit)               # TextChoices: code → translated label

See docs/building-an-app.md (and docs/core-kit.md for the details).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)


# --- navigation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    label: Any
    order: int = 100
    icon: str = ""


@dataclass(frozen=True)
class NavEntry:
    """One link of the sidebar. ``roles``: the same role set the app's permissions check (None = any
    signed-in user); ``visible(user)`` may narrow it further; ``badge(user) -> int`` counts work waiting."""

    section: str
    label: Any
    url_name: str
    roles: frozenset | None = None
    visible: Callable[[Any], bool] | None = None
    badge: Callable[[Any], int] | None = None
    order: int = 100
    # Extra URL prefixes that mark this entry active (e.g. detail pages below the list).
    match: tuple[str, ...] = ()

    def allowed(self, user, roles: set[str]) -> bool:
        if self.roles is not None and not (roles & self.roles):
            return False
        return self.visible is None or bool(self.visible(user))


_sections: dict[str, Section] = {}
_nav: dict[str, NavEntry] = {}


def register_section(key: str, label, *, order: int = 100, icon: str = "") -> Section:
    section = Section(key=key, label=label, order=order, icon=icon)
    _sections[key] = section
    return section


def register_nav(*, section: str, label, url_name: str, roles: Iterable[str] | None = None,
                 visible: Callable | None = None, badge: Callable | None = None, order: int = 100,
                 match: Iterable[str] = ()) -> NavEntry:
    """Declare a sidebar link; registering the same ``url_name`` again replaces it (idempotent)."""
    entry = NavEntry(section=section, label=label, url_name=url_name,
                     roles=frozenset(roles) if roles is not None else None, visible=visible, badge=badge,
                     order=order, match=tuple(match))
    _nav[url_name] = entry
    return entry


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def nav_entries() -> list[NavEntry]:
    return sorted(_nav.values(), key=lambda e: (e.order, str(e.url_name)))


# --- to-do (待办) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TodoItem:
    """Work awaiting *this* user's action: "3 份备案待您审批" linking to the filtered list."""

    key: str
    label: str
    count: int
    url: str
    # Higher first; overdue or blocking work should outrank routine reviews.
    priority: int = 0
    level: str = "primary"  # Bootstrap colour of the count: primary, warning, danger


TodoProvider = Callable[[Any], Iterable[TodoItem]]
_todo_providers: list[TodoProvider] = []


def register_todo(provider: TodoProvider) -> TodoProvider:
    """``provider(user) -> iterable of TodoItem``; items with a count of 0 are not shown."""
    if provider not in _todo_providers:
        _todo_providers.append(provider)
    return provider


def todo_items(user) -> list[TodoItem]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "tenant_id", None):
        return []
    items: list[TodoItem] = []
    for provider in _todo_providers:
        items.extend(item for item in provider(user) if item.count > 0)
    return sorted(items, key=lambda item: (-item.priority, item.key))


# --- home-page panels and redirects ------------------------------------------------------------

_panels: list[Callable] = []
_home_redirects: list[Callable] = []


def register_panel(func: Callable) -> Callable:
    """``func(request, regions) -> dict | None`` adds a panel (``template`` + context) to the home page."""
    if func not in _panels:
        _panels.append(func)
    return func


def panels() -> list[Callable]:
    return list(_panels)


def register_home_redirect(func: Callable) -> Callable:
    """``func(request) -> url | None``: send a user whose work lives elsewhere (e.g. the portal) there."""
    if func not in _home_redirects:
        _home_redirects.append(func)
    return func


def home_redirects() -> list[Callable]:
    return list(_home_redirects)


# --- demo seeders ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeder:
    name: str
    func: Callable[..., Any]
    layer: int
    help: str = ""


_seeders: dict[str, Seeder] = {}


def register_seeder(name: str, func: Callable[..., Any], *, layer: int, help: str = "") -> Seeder:  # noqa: A002
    """``func(*, scale: int | None, stdout) -> None``, idempotent; run by ``manage.py seed_demo`` in layer order
    (core 0, orgs/grid 20, party/projects 30), so a seeder may rely on every lower layer's data."""
    seeder = Seeder(name=name, func=func, layer=layer, help=help)
    _seeders[name] = seeder
    return seeder


def seeders() -> list[Seeder]:
    return sorted(_seeders.values(), key=lambda s: (s.layer, s.name))


# --- periodic tasks --------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodicTaskSpec:
    """A beat entry. ``per_tenant`` runs ``task`` once per active tenant through ``governance.for_each_tenant``."""

    name: str
    task: str
    crontab: dict[str, str] | None = None
    interval_seconds: int | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    per_tenant: bool = True
    description: str = ""


_periodic: dict[str, PeriodicTaskSpec] = {}


def register_periodic_task(name: str, task: str, *, crontab: dict[str, str] | None = None,
                           interval_seconds: int | None = None, kwargs: dict[str, Any] | None = None,
                           per_tenant: bool = True, description: str = "") -> PeriodicTaskSpec:
    if (crontab is None) == (interval_seconds is None):
        raise ValueError("give exactly one of crontab= or interval_seconds=")
    spec = PeriodicTaskSpec(name=name, task=task, crontab=crontab, interval_seconds=interval_seconds,
                            kwargs=dict(kwargs or {}), per_tenant=per_tenant, description=description)
    _periodic[name] = spec
    return spec


def periodic_tasks() -> list[PeriodicTaskSpec]:
    return sorted(_periodic.values(), key=lambda s: s.name)


# --- audit action labels -----------------------------------------------------------------------

_audit_labels: dict[str, Any] = {}


def register_audit_actions(choices) -> None:
    """An app's audit actions as a ``TextChoices`` (code → translated label), Zulip's AuditLogEventType."""
    for code, label in choices.choices:
        _audit_labels[code] = label


def audit_action_choices() -> list[tuple[str, Any]]:
    return sorted(_audit_labels.items(), key=lambda item: item[0])


_ADMIN_SUFFIXES = {
    "admin_add": gettext_lazy("Added in the administration"),
    "admin_change": gettext_lazy("Changed in the administration"),
    "admin_delete": gettext_lazy("Deleted in the administration"),
}


def audit_action_label(code: str) -> str:
    """The translated label of an audit action; never the raw code for a registered action."""
    label = _audit_labels.get(code)
    if label is not None:
        return str(label)
    prefix, _sep, suffix = code.rpartition(".")
    if suffix in _ADMIN_SUFFIXES:
        return f"{_ADMIN_SUFFIXES[suffix]}：{_model_label(prefix)}"
    logger.warning("audit action %s has no registered label", code)
    return _("Other action (%(code)s)") % {"code": code}


def _model_label(model_name: str) -> str:
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return str(model._meta.verbose_name)
    return model_name


def is_labelled(code: str) -> bool:
    return code in _audit_labels or code.rpartition(".")[2] in _ADMIN_SUFFIXES
