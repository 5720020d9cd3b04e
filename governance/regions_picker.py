"""Cascading region picker (区划级联选择): a form field, its widget, and the reads of its htmx endpoint.

One select per level of the jurisdiction tree (city → district → street → community → grid): choosing
a node loads its children into the next select (``GET /regions/picker/?parent=<id>``), and a search box
lists the nodes whose name matches with their full path ("衡阳市 / 珠晖区 / 广东路街道"); choosing a hit
renders the whole chain (``?selected=<id>``). The form posts one input, ``<name>`` = region id; the
selects have no name (static/js/app.js keeps the input in step), so a filter form's query string keeps
its parameter (``region``). Everything shown lies in the user's tenant and jurisdiction (the subtrees
where they hold one of ``roles``); the field checks the posted id again, so a forged id is a form error.

    region = RegionField(label=_("Region"), min_level=RegionLevel.STREET, max_level=RegionLevel.COMMUNITY)
    # in the form's __init__ (choices depend on the user):
    self.fields["region"].scope(user, roles=EDIT_ROLES)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.models import Region, RegionLevel
from governance.models.accounts import Role
from governance.selectors import get_object_for_user_or_404, scope_to_user, user_region_paths

SEARCH_LIMIT = 20
SEARCH_MAX_LENGTH = 50
_FIELD_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,79}$")


# --- reads (each a constant number of queries, whatever the size of the tree) ------------------


def _roles(roles) -> set[str]:
    return set(roles) if roles else set(Role.values)


def _visible(user, roles) -> Q:
    """Nodes of the user's jurisdiction through ``roles`` (an empty condition when they hold none)."""
    condition = Q(pk__in=[])
    for path in user_region_paths(user, _roles(roles)):
        condition |= Q(path__startswith=path)
    return condition


def _within_levels(queryset, max_level):
    return queryset.filter(level__lte=max_level) if max_level else queryset


def picker_region(*, user, pk, roles=None, max_level=None) -> Region:
    """The node ``pk`` if the user may pick it, else 404 (missing, other tenant and outside look alike)."""
    queryset = _within_levels(scope_to_user(Region.objects.all(), user, region_field="", roles=_roles(roles)),
                              max_level)
    return get_object_for_user_or_404(queryset, pk=pk)


def picker_children(*, parent: Region, max_level=None) -> list[Region]:
    """Children of a node the caller already fetched with ``picker_region`` (one query)."""
    return list(_within_levels(Region.objects.filter(parent=parent), max_level).order_by("path"))


@dataclass
class Level:
    """One select: its options, the chosen one, and the value the field takes when it is left empty
    (``up``: the node of the select above, or nothing at the top)."""

    options: list
    selected: int | None = None
    up: int | None = None
    next: Level | None = None

    @property
    def label(self) -> str:
        levels = {region.level for region in self.options}
        return str(RegionLevel(levels.pop()).label) if len(levels) == 1 else _("Region")


def picker_levels(*, user, region: Region | None, roles=None, max_level=None) -> Level:
    """The selects for ``region`` (already checked visible) or, without one, the top of the jurisdiction:
    the user's subtree roots, each chosen node's siblings, and the chosen node's children. One query."""
    roots = user_region_paths(user, _roles(roles))
    condition = Q(path__in=roots)
    chain_paths: list[str] = []
    if region is not None:
        root = next((path for path in roots if region.path.startswith(path)), region.path)
        segments = region.path[len(root):].strip("/").split("/") if region.path != root else []
        chain_paths = [root] + [root + "/".join(segments[:n]) + "/" for n in range(1, len(segments) + 1)]
        condition |= Q(parent__path__in=chain_paths)
    nodes = list(_within_levels(Region.objects.filter(condition), max_level).order_by("path")) if roots else []
    by_path = {node.path: node for node in nodes}
    top = Level(options=[node for node in nodes if node.path in roots])
    level = top
    for path in chain_paths:
        node = by_path.get(path)
        if node is None:  # not reachable through the levels shown: leave the chain here
            break
        level.selected = node.pk
        children = [child for child in nodes if child.parent_id == node.pk]
        if not children:
            break
        level.next = Level(options=children, up=node.pk)
        level = level.next
    return top


def picker_search(*, user, text: str, roles=None, max_level=None, limit: int = SEARCH_LIMIT) -> list[tuple]:
    """``[(region, "衡阳市 / 珠晖区 / 广东路街道")]`` of the visible nodes whose name contains ``text``
    (or whose code starts with it), highest levels first. Two queries: the hits, then their ancestors."""
    text = text.strip()[:SEARCH_MAX_LENGTH]
    if not text:
        return []
    matches = Q(name__contains=text)
    if text.isdigit():
        matches |= Q(code__startswith=text)
    queryset = _within_levels(Region.objects.filter(_visible(user, roles), matches), max_level)
    hits = list(queryset.order_by("level", "path")[:limit])
    prefixes = set()
    for hit in hits:
        segments = hit.path.strip("/").split("/")
        prefixes.update("/".join(segments[:n]) + "/" for n in range(1, len(segments)))
    names = dict(Region.objects.filter(path__in=prefixes).values_list("path", "name")) if prefixes else {}
    results = []
    for hit in hits:
        segments = hit.path.strip("/").split("/")
        chain = [names.get("/".join(segments[:n]) + "/") for n in range(1, len(segments))]
        results.append((hit, " / ".join([*(name for name in chain if name), hit.name])))
    return results


# --- the endpoint's parameters (sent by the widget as hx-vals) ---------------------------------


@dataclass
class PickerOptions:
    """What the widget tells the endpoint: ids to render, the roles and the deepest level. Only
    narrows what the user sees (the roles are intersected with theirs); the field validates anyway."""

    field_id: str = "id_region"
    roles: tuple = ()
    max_level: int | None = None
    optional: bool = False

    def as_vals(self) -> str:
        return json.dumps({"field": self.field_id, "roles": ",".join(self.roles), "max": self.max_level or "",
                           "optional": int(self.optional)})

    @classmethod
    def from_query(cls, params) -> PickerOptions:
        field_id = params.get("field") or ""
        roles = tuple(role for role in (params.get("roles") or "").split(",") if role in Role.values)
        try:
            max_level = int(params.get("max") or 0) or None
        except ValueError:
            max_level = None
        if max_level not in RegionLevel.values:
            max_level = None
        return cls(field_id=field_id if _FIELD_ID.match(field_id) else "id_region", roles=roles,
                   max_level=max_level, optional=params.get("optional") == "1")


def blank_labels(optional: bool, top_label=None) -> tuple[str, str]:
    """Text of the empty option: at the top, then below (a filter: "all"; a form: "choose")."""
    if optional:
        return str(top_label or _("All regions")), _("All")
    return str(top_label or _("Choose…")), _("(this level)")


# --- form field and widget ----------------------------------------------------------------------


class RegionPickerWidget(forms.Widget):
    template_name = "includes/region_picker.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.user = None
        self.roles: tuple = ()
        self.max_level: int | None = None
        self.optional = False
        self.empty_label = None
        self.resolved: Region | None = None  # set by the field's clean(): no second query to render it

    def _render(self, template_name, context, renderer=None):
        # The project's templates (templates/includes/), not the form renderer's own directories.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - a template, autoescaped

    def id_for_label(self, id_):
        return f"{id_}_top" if id_ else id_

    def use_required_attribute(self, initial):
        return False  # a hidden input: the browser cannot tell the user what is missing

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def _region(self, value) -> Region | None:
        pk = getattr(value, "pk", value)
        if pk in (None, "") or self.user is None:
            return None
        if self.resolved is not None and str(self.resolved.pk) == str(pk):
            return self.resolved
        try:
            return picker_region(user=self.user, pk=pk, roles=self.roles, max_level=self.max_level)
        except Http404:  # a forged or foreign id is not shown (the field's error says why)
            return None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        field_id = attrs.get("id") or f"id_{name}"
        region = self._region(value)
        options = PickerOptions(field_id=field_id, roles=self.roles, max_level=self.max_level,
                                optional=self.optional)
        top_blank, blank = blank_labels(self.optional, self.empty_label)
        context["picker"] = {
            "id": field_id,
            "value": region.pk if region is not None else "",
            "top": picker_levels(user=self.user, region=region, roles=self.roles, max_level=self.max_level)
            if self.user is not None else Level(options=[]),
            "url": reverse("region-picker"),
            "vals": options.as_vals(),
            "top_blank": top_blank,
            "blank": blank,
            "disabled": bool(attrs.get("disabled")),
            "invalid": "is-invalid" in attrs.get("class", "").split(),
        }
        return context


class RegionField(forms.Field):
    """A region of the user's jurisdiction, chosen with the cascading picker.

    ``roles``: the subtrees where the user holds one of them (default: any role); ``min_level`` /
    ``max_level``: where the chosen node may sit (e.g. organizations: street or community); a filter
    (``required=False``) leaves them open and includes the subtree. Cleans to a ``Region``, or its id
    with ``as_pk=True`` (filters kept as query parameters and in audit records). A forged id, another
    tenant's (not found) and one outside the jurisdiction are form errors; nothing is saved.
    """

    widget = RegionPickerWidget
    default_error_messages = {
        "invalid": gettext_lazy("Choose a region from the list."),
        "not_found": gettext_lazy("The chosen region does not exist."),
        "outside": gettext_lazy("The chosen region is outside your jurisdiction."),
        "level": gettext_lazy("Choose a region at one of these levels: %(levels)s."),
    }

    def __init__(self, *, roles=None, min_level=None, max_level=None, as_pk=False, empty_label=None, **kwargs):
        super().__init__(**kwargs)
        self.user = None
        self.roles = tuple(roles or ())
        self.min_level, self.max_level, self.as_pk = min_level, max_level, as_pk
        self.widget.roles, self.widget.max_level = self.roles, max_level
        self.widget.optional, self.widget.empty_label = not self.required, empty_label

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.resolved = None
        return result

    def scope(self, user, *, roles=None) -> RegionField:
        """Limit the field to ``user``'s jurisdiction (through ``roles``). Unscoped, it accepts nothing."""
        self.user = self.widget.user = user
        if roles is not None:
            self.roles = self.widget.roles = tuple(sorted(roles))
        return self

    def prepare_value(self, value):
        return getattr(value, "pk", value)

    def to_python(self, value):
        value = getattr(value, "pk", value)
        if value in self.empty_values:
            return None
        try:
            return int(str(value).strip())
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def clean(self, value):
        pk = super().clean(value)
        if pk is None:
            return None
        # One query in the active tenant: another tenant's id is simply not found.
        region = Region.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
        if region is None:
            raise forms.ValidationError(self.error_messages["not_found"], code="not_found")
        paths = user_region_paths(self.user, _roles(self.roles)) if self.user is not None else []
        if not any(region.path.startswith(path) for path in paths):
            raise forms.ValidationError(self.error_messages["outside"], code="outside")
        if (self.min_level and region.level < self.min_level) or (self.max_level and region.level > self.max_level):
            levels = [label for value, label in RegionLevel.choices
                      if (not self.min_level or value >= self.min_level)
                      and (not self.max_level or value <= self.max_level)]
            raise forms.ValidationError(self.error_messages["level"], code="level",
                                        params={"levels": get_text_list([str(label) for label in levels], _("or"))})
        self.widget.resolved = region
        return region.pk if self.as_pk else region

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")
