"""The probe's world: every route of the URL configuration with its arguments, the seeded tenants, their
users, sample objects and the markers (names) whose appearance on a page is a leak."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NONEXISTENT_ID = 987_654_321
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
# Requests that would end the session, or delete what the other probes need, get no bad-input bodies.
NO_BAD_INPUT = re.compile(r"(^|/)(logout|delete)/|_delete$|^admin:logout$|^logout$")
# Pages everyone may open without signing in.
PUBLIC_NAMES = {"login", "admin:login", "logout", "admin:logout", "healthz", "set_language", "javascript-catalog", "admin:jsi18n",
                "api-schema", "api-docs", "api-redoc", "api-token", "password_change_done",
                "favicon"}


# --- routes ----------------------------------------------------------------------------------


@dataclass
class Route:
    segments: list[Any]  # the pattern objects from the root down
    name: str
    callback: Any
    kwargs: list[str] = field(default_factory=list)  # object arguments, in URL order
    fixed: dict[str, str] = field(default_factory=dict)  # other arguments with a chosen value

    @property
    def label(self) -> str:
        return "".join(str(segment) for segment in self.segments)

    @property
    def is_admin(self) -> bool:
        return self.label.startswith("admin/")

    @property
    def is_api(self) -> bool:
        return self.label.startswith("api/")

    def url(self, values: dict[str, Any]) -> str:
        values = {**self.fixed, **{key: str(value) for key, value in values.items()}}
        return "/" + "".join(_fill(segment, values) for segment in self.segments)


_ROUTE_ARG = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


def _fill(segment, values: dict[str, str]) -> str:
    text = str(segment)
    if _is_regex(segment):
        text = text.lstrip("^").rstrip("$").replace("\\.", ".")
        return _REGEX_GROUP.sub(lambda m: values[m["name"]], text)
    return _ROUTE_ARG.sub(lambda m: values[m["name"]], text)


def _is_regex(segment) -> bool:
    from django.urls.resolvers import RegexPattern

    return isinstance(segment, RegexPattern)


def _arguments(segment) -> list[tuple[str, str]]:
    """``[(name, kind)]``: kind ``id`` (a number), ``path``, ``str`` or ``a|b|c`` (regex alternatives)."""
    text = str(segment)
    if _is_regex(segment):
        found = []
        for match in _REGEX_GROUP.finditer(text):
            body = match["body"]
            if re.fullmatch(r"[\w|-]+", body) and "|" in body:
                found.append((match["name"], body))
            elif body in ("[0-9]+", r"\d+"):
                found.append((match["name"], "id"))
            else:
                found.append((match["name"], "str"))
        return found
    return [(m["name"], {"int": "id", "path": "path"}.get(m["converter"] or "str", "str"))
            for m in _ROUTE_ARG.finditer(text)]


def iter_routes(string_values: dict[str, list[str]] | None = None) -> Iterator[Route]:
    """Every URL pattern, one ``Route`` per choice of its regex alternatives and its string arguments."""
    from django.urls import URLPattern, URLResolver, get_resolver

    string_values = string_values or {}

    def walk(patterns, segments, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = ":".join(filter(None, [namespace, pattern.namespace])) if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, [*segments, pattern.pattern], ns)
            elif isinstance(pattern, URLPattern):
                name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else (namespace or "")
                yield [*segments, pattern.pattern], name, pattern.callback

    for segments, name, callback in walk(get_resolver().url_patterns, [], None):
        arguments = [argument for segment in segments for argument in _arguments(segment)]
        object_args = [arg for arg, kind in arguments if kind in ("id", "path")]
        choices: list[dict[str, str]] = [{}]
        for arg, kind in arguments:
            if kind in ("id", "path"):
                continue
            options = kind.split("|") if "|" in kind else string_values.get(arg, ["x"])
            choices = [{**choice, arg: option} for choice in choices for option in options]
        for choice in choices:
            yield Route(segments=segments, name=name, callback=callback, kwargs=object_args, fixed=choice)


# --- the seeded data -------------------------------------------------------------------------


@dataclass
class World:
    tenant_a: Any
    tenant_b: Any
    admin_a: Any
    admin_b: Any
    street_a: Any
    samples: dict[Any, list[Any]]  # model -> tenant A's objects (a few per model)
    outside: dict[Any, list[Any]]  # model -> A's objects outside street_a's jurisdiction
    markers_a: list[str]  # strings only tenant A's data contains
    markers_outside: list[str]  # names of A's organizations outside street_a's street


def _tenant_models():
    from django.apps import apps

    return [model for model in apps.get_models()
            if not model._meta.proxy and any(f.name == "tenant" and f.is_relation for f in model._meta.fields)]


# Where an object's jurisdiction comes from, in this order: its own region, the region of what it belongs to
# (a bid and an award are the tender's, a progress report or a rating survey the contract's: the buyer's), then the
# organization's. A bidding organization from elsewhere does not put a tender outside the buyer's street.
JURISDICTION_VIA = ("region", "contract", "tender", "application", "program", "organization", "applicant_organization")
# The pages where an organization's location is the jurisdiction (the registry and the core): a street user
# must not find an organization of another street there. Elsewhere (a tender's bidders) it may appear.
LOCATION_SCOPED = re.compile(r"^(orgs:|api-org|api-filing|region-|api-region|audit-)")


def _region_path(obj) -> str | None:
    """Where an object lies in the region tree (``JURISDICTION_VIA``)."""
    from governance.models import Region

    if isinstance(obj, Region):
        return obj.path
    for attribute in JURISDICTION_VIA:
        try:
            related = getattr(obj, attribute, None)
        except Exception:  # noqa: BLE001 - a missing relation just means "not placed"
            related = None
        if related is None:
            continue
        if isinstance(related, Region):
            return related.path
        region = getattr(related, "region", None)
        if isinstance(region, Region):
            return region.path
    return None


def _contract_application_path(obj) -> str | None:
    """A contract (or what hangs on one: a report, a survey) is also visible to the office of the community it
    serves, its application's region (``projects.permissions_tenders.can_view_contract``)."""
    contract = obj if type(obj).__name__ == "Contract" else getattr(obj, "contract", None)
    application = getattr(contract, "application", None) if contract is not None else None
    region = getattr(application, "region", None)
    return getattr(region, "path", None)


def build_world(*, per_model: int = 3, marker_orgs: int = 60) -> World:
    from django.contrib.auth import get_user_model

    from governance.models import Region, RoleAssignment, Tenant
    from governance.tenancy import tenant_context

    user_model = get_user_model()
    tenant_a = Tenant.objects.get(slug="hengyang")
    tenant_b = Tenant.objects.get(slug="zhuzhou")
    admin_a = user_model.objects.get(username="hy_admin")
    admin_b = user_model.objects.get(username="zz_admin")
    street_a = user_model.objects.get(username="hy_street")
    with tenant_context(tenant_a):
        _own_objects(admin_a)
        street_path = RoleAssignment.objects.select_related("region").get(user=street_a).region.path
        samples: dict[Any, list[Any]] = {}
        outside: dict[Any, list[Any]] = {}
        for model in _tenant_models():
            manager = model._base_manager
            objects = list(manager.filter(tenant=tenant_a).order_by("pk")[:200])
            if not objects:
                continue
            samples[model] = objects[:per_model]
            far = []
            for obj in objects:
                path = _region_path(obj)
                served = _contract_application_path(obj)
                if served is not None and served.startswith(street_path):
                    continue  # a contract bought elsewhere for a community of the street: the street sees it
                if path is not None and not path.startswith(street_path) and not street_path.startswith(path):
                    far.append(obj)
                elif path is None and model is not user_model and _owner_id(obj) not in (None, street_a.pk):
                    far.append(obj)  # somebody else's (a notification, an import job, a token)
                if len(far) >= per_model:
                    break
            if far:
                outside[model] = far
        from orgs.models import Organization

        orgs = list(Organization.objects.select_related("region").order_by("pk")[:2000])
        names_a = {org.name for org in orgs}
        outside_names = [org.name for org in orgs if not org.region.path.startswith(street_path)]
        regions_a = set(Region.objects.values_list("name", flat=True))
    with tenant_context(tenant_b):
        regions_b = set(Region.objects.values_list("name", flat=True))
        names_b = set(Organization.objects.values_list("name", flat=True))
    strings_b = regions_b | names_b | {tenant_b.name}

    source = _source_text()

    def distinctive(values: Iterable[str]) -> list[str]:
        """Strings of A that B's data does not share and that no template or example in the code contains."""
        return sorted({v for v in values if len(v) >= 4 and v not in source
                       and not any(v in s or s in v for s in strings_b if s)})

    markers = distinctive([tenant_a.name, *sorted(names_a)[:marker_orgs], *sorted(regions_a - regions_b)[:40]])
    return World(tenant_a=tenant_a, tenant_b=tenant_b, admin_a=admin_a, admin_b=admin_b, street_a=street_a,
                 samples=samples, outside=outside, markers_a=markers,
                 markers_outside=distinctive(outside_names[:marker_orgs]))


def _own_objects(user) -> None:
    """Things only their owner may open, owned by A's administrator: an API token, a failed import job
    (with its error report) and the notification about it."""
    from django.core.files.base import ContentFile
    from openpyxl import Workbook

    from governance import services
    from governance.imports.importer import importers
    from governance.imports.services import import_job_run
    from governance.models import ImportJob

    services.api_token_create(actor=user, user=user, name="probe")
    for importer in importers():
        book = Workbook()
        book.active.append(["?"])
        buffer = io.BytesIO()
        book.save(buffer)
        job = ImportJob(tenant_id=user.tenant_id, importer=importer.key, original_name="probe.xlsx", created_by=user)
        job.file.save("probe.xlsx", ContentFile(buffer.getvalue()), save=False)
        job.save()
        import_job_run(job=job, actor=user, importer=importer)


def _source_text() -> str:
    """The project's code and templates: a string found there is an example or a label, not tenant data."""
    import governance

    base = Path(governance.__file__).resolve().parent.parent
    parts = []
    for pattern in ("*/**/*.py", "*/**/*.html"):
        for path in base.glob(pattern):
            if ".venv" not in path.parts and "node_modules" not in path.parts:
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def _owner_id(obj) -> int | None:
    for attribute in ("recipient_id", "user_id", "created_by_id", "owner_id"):
        value = getattr(obj, attribute, None)
        if value is not None:
            return value
    return None


# --- responses -------------------------------------------------------------------------------


def body_text(response) -> str:
    """The text a person would see: HTML/JSON as text (JSON re-encoded unescaped), an .xlsx's cells."""
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                                 if name.endswith(".xml"))
        except zipfile.BadZipFile:
            pass  # not a workbook after all: read it as text below
    text = content.decode("utf-8", "replace")
    if "json" in response.get("Content-Type", ""):
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def _is_login_redirect(response) -> bool:
    if response.status_code not in (301, 302):
        return False
    location = response.get("Location", "")
    return any(location.startswith(path) or f"{path}?" in location for path in LOGIN_PATHS)
