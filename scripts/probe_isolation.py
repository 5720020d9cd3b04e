"""Isolation probe: every URL of the project requested by people who must not see tenant A's objects.

    .venv/bin/python scripts/probe_isolation.py [--max-routes N] [--skip-bad-input] [-v]

Builds a throwaway database (a SQLite file under /tmp, or the scratch database of DATABASE_URL: it is
migrated and seeded), seeds the demo (two tenants, Hengyang = A and Zhuzhou = B, one user per role, every
app's demo data through ``seed_demo``), then walks every URL pattern (``django.urls`` resolvers: pages,
downloads and exports, the admin's changelist/add/change/history/delete pages, API lists and details).
A route's object arguments (``<int:pk>``, ``<path:object_id>``, ...) are filled with ids of tenant A's
objects, found by calibration: the first id of a model whose page tenant A's administrator can open (an
id that does not exist must give that administrator a 404, else the argument is not an object id).

Each route is then requested (GET; POST with an empty body where GET is not allowed) as

* (a) tenant B's administrator: an object route must be a 404, and no page may contain tenant A's data;
* (b) a street user of tenant A, with an object outside their street: a 404 (or the admin's redirect to
  its login for a user who is not staff), and no page may show an outside organization;
* (c) an anonymous client: a redirect to a login page, 401/403/404, and no content of tenant A.

"Content of tenant A" means the names of A's organizations, its tenant name and the region names only A
has (and, for (b), the names of organizations outside the user's street), looked for in HTML, JSON and
inside .xlsx downloads. The bad-input probe then POSTs (and PUTs/PATCHes on the API) malformed bodies to
every route as A's administrator, with the field names read from the route's own form or JSON: NUL
characters, 100,000-character strings, deeply nested JSON, wrong types, a body that is not JSON. None may
be a 5xx. Totals (routes, probes, failures) are printed; the exit status is 1 when anything failed.

``tests/test_isolation_probe.py`` runs a bounded version on both backends.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import tempfile
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
                "api-schema", "api-docs", "api-redoc", "api-token", "password_change_done"}


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
            pass
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


# --- the probe -------------------------------------------------------------------------------


@dataclass
class Result:
    routes: int = 0
    object_routes: int = 0
    probes: int = 0
    failures: list[str] = field(default_factory=list)
    uncalibrated: list[str] = field(default_factory=list)
    bad_input_routes: int = 0
    bad_input_probes: int = 0

    def fail(self, message: str) -> None:
        self.failures.append(message)


def _clients(world: World):
    from django.test import Client

    clients = {}
    for key, user in (("admin_a", world.admin_a), ("admin_b", world.admin_b), ("street_a", world.street_a)):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[key] = client
    clients["anonymous"] = Client(raise_request_exception=False)
    return clients


def _request(client, method: str, url: str, **extra):
    return getattr(client, method)(url, **extra)


def _word_of(route: Route, kwarg: str) -> str:
    """What an argument names: ``report_id`` → report; ``pk`` → the path word before it (``orgs/<pk>`` → org)."""
    match = re.fullmatch(r"(\w+?)_(?:pk|id)", kwarg)
    if match and match[1] != "object":
        return match[1].replace("_", "")
    text = "".join(str(segment) for segment in route.segments)
    before = re.search(r"([a-z-]+)/(?:\(\?P)?<(?:\w+:)?" + re.escape(kwarg) + ">", text)
    word = before[1].replace("-", "") if before else route.name.split(":")[-1].split("-")[0]
    return word[:-1] if word.endswith("s") else word


def _models_for(word: str, samples: dict[Any, list[Any]], label: str = "") -> list[Any]:
    """Models named by ``word`` first (exactly, then containing it; the route's own app before others, as ids
    collide across apps: /projects/reports/4/ is a progress report, not orgs' annual report 4; then the
    shortest name), then the rest."""
    app_of_route = {part for part in re.split(r"[/:]", label) if part}

    def rank(model):
        name = model._meta.model_name
        return (0 if name == word else 1 if word and word in name else 2,
                0 if model._meta.app_label in app_of_route else 1, len(name), name)

    return sorted(samples, key=rank)


def _candidates(route: Route, samples: dict[Any, list[Any]], model=None) -> list[tuple[dict[str, Any], Any]]:
    """``(kwargs, object)`` to try, the likeliest first (or only objects of ``model``)."""
    if route.is_admin and hasattr(route.callback, "model_admin"):
        model = route.callback.model_admin.model
    last = route.kwargs[-1]
    models = [model] if model is not None else _models_for(_word_of(route, last), samples, route.label)
    found = []
    for candidate in models:
        for obj in samples.get(candidate, [])[: 3 if model is not None else 1]:
            if len(route.kwargs) == 1:
                found.append(({last: obj.pk}, obj))
                continue
            # Nested routes: the earlier arguments are the object's parents, through its foreign keys.
            parents = [f for f in candidate._meta.fields if f.is_relation and f.name != "tenant"
                       and getattr(obj, f.attname) is not None]
            words = [_word_of(route, kwarg) for kwarg in route.kwargs[:-1]]
            parents.sort(key=lambda f: 0 if any(w and w in f.related_model._meta.model_name for w in words) else 1)
            for parent in parents:
                found.append(({**dict.fromkeys(route.kwargs[:-1], getattr(obj, parent.attname)), last: obj.pk}, obj))
    return found


def _opens(response) -> bool:
    """A's administrator got the object (a page, a download, a redirect after it, or a form error)."""
    return response.status_code < 400 or response.status_code in (400, 409)


def calibrate(route: Route, world: World, admin_a) -> tuple[str, dict[str, Any], Any] | None:
    """``(method, kwargs, object)`` tenant A's administrator can open, or None if nothing fits."""
    nonexistent = dict.fromkeys(route.kwargs, NONEXISTENT_ID)
    method = "get"
    response = _request(admin_a, method, route.url(nonexistent))
    if response.status_code == 405:
        method = "post"
        response = _request(admin_a, method, route.url(nonexistent))
    if response.status_code != 404:
        return None
    for kwargs, obj in _candidates(route, world.samples)[:40]:
        if _opens(_request(admin_a, method, route.url(kwargs))):
            return method, kwargs, obj
    return None


def _outside_kwargs(route: Route, world: World, method: str, model, admin_a) -> dict[str, Any] | None:
    """The route with an object of ``model`` outside street_a's jurisdiction that A's administrator opens."""
    for kwargs, _obj in _candidates(route, world.outside, model=model)[:20]:
        if _opens(_request(admin_a, method, route.url(kwargs))):
            return kwargs
    return None


def _check_body(result: Result, who: str, route: Route, url: str, response, markers: list[str]) -> None:
    if response.status_code >= 500:
        result.fail(f"{who}: {url} → {response.status_code}")
        return
    text = body_text(response)
    leaked = [marker for marker in markers if marker in text]
    if leaked:
        result.fail(f"{who}: {url} → {response.status_code} shows tenant A's {leaked[:3]}")


def _routes(max_routes: int | None, only) -> list[Route]:
    from governance.imports.importer import importers

    routes = list(iter_routes({"key": [importer.key for importer in importers()] or ["x"]}))
    if only is not None:
        routes = [route for route in routes if only(route)]
    return _spread(routes, max_routes) if max_routes is not None else routes


def _marker(obj, world: World) -> list[str]:
    """The object's own text, read in tenant A (row-level security hides its related rows otherwise)."""
    if obj is None:
        return []
    from governance.tenancy import tenant_context

    with tenant_context(world.tenant_a):
        text = str(obj)
    return [text] if len(text) >= 4 else []


def probe_isolation(world: World, *, max_routes: int | None = None, only=None, verbose: bool = False) -> Result:
    """Probes (a), (b) and (c) on every route (or ``max_routes`` of them, or those ``only(route)`` keeps)."""
    clients = _clients(world)
    admin_a = clients["admin_a"]
    result = Result()
    routes = _routes(max_routes, only)
    for route in routes:
        result.routes += 1
        if route.kwargs:
            calibrated = calibrate(route, world, admin_a)
            if calibrated is None:
                result.uncalibrated.append(route.label)
                continue
            result.object_routes += 1
            method, kwargs, obj = calibrated
            url = route.url(kwargs)
            marker = _marker(obj, world)
            # (a) tenant B
            response = _request(clients["admin_b"], method, url)
            result.probes += 1
            if response.status_code != 404:
                result.fail(f"tenant B: {method.upper()} {url} → {response.status_code}, expected 404")
            _check_body(result, "tenant B", route, url, response, world.markers_a + marker)
            # (b) outside the jurisdiction
            outside = _outside_kwargs(route, world, method, type(obj), admin_a)
            if outside is not None:
                far_url = route.url(outside)
                response = _request(clients["street_a"], method, far_url)
                result.probes += 1
                refused = response.status_code == 404 or (route.is_admin and _is_login_redirect(response))
                if not refused:
                    result.fail(f"outside jurisdiction: {method.upper()} {far_url} → {response.status_code}")
                _check_body(result, "outside jurisdiction", route, far_url, response,
                            world.markers_outside if LOCATION_SCOPED.match(route.name) else [])
            # (c) anonymous
            response = _request(clients["anonymous"], method, url)
            result.probes += 1
            if not (_is_login_redirect(response) or response.status_code in (401, 403, 404)):
                result.fail(f"anonymous: {method.upper()} {url} → {response.status_code}")
            _check_body(result, "anonymous", route, url, response, world.markers_a + marker)
        else:
            url = route.url({})
            outside_markers = world.markers_outside if LOCATION_SCOPED.match(route.name) else []
            for who, key, markers in (("tenant B", "admin_b", world.markers_a),
                                      ("outside jurisdiction", "street_a", outside_markers),
                                      ("anonymous", "anonymous", world.markers_a)):
                response = _request(clients[key], "get", url)
                result.probes += 1
                _check_body(result, who, route, url, response, markers)
                if key == "anonymous" and route.name not in PUBLIC_NAMES and not (
                        _is_login_redirect(response) or response.status_code in (401, 403, 404, 405)):
                    result.fail(f"anonymous: GET {url} → {response.status_code}, expected a login redirect")
        if verbose:
            print(f"  {route.label} ({route.name}) ok, failures so far {len(result.failures)}")
    return result


def _spread(routes: list[Route], limit: int) -> list[Route]:
    """At most ``limit`` routes, every non-admin route first, then admin pages spread over the models."""
    own = [route for route in routes if not route.is_admin]
    admin = [route for route in routes if route.is_admin]
    if len(own) >= limit:
        return own[:limit]
    step = max(1, len(admin) // max(1, limit - len(own)))
    return own + admin[::step][:limit - len(own)]


# --- bad input -------------------------------------------------------------------------------

_FIELD_NAME = re.compile(r"""<(?:input|select|textarea)\b[^>]*\bname=["']([^"']+)["']""", re.I)
_SKIP_FIELDS = {"csrfmiddlewaretoken"}


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"a": [value]}
    return value


def bad_bodies(names: list[str]) -> list[tuple[str, str, Any]]:
    """``(label, content type, body)`` variants for a form or API with fields ``names``."""
    names = names or ["name"]
    huge = "字" * 100_000
    form = "application/x-www-form-urlencoded"
    bodies: list[tuple[str, str, Any]] = [
        ("NUL in every field", form, dict.fromkeys(names, "a\x00b")),
        ("100,000 characters in every field", form, dict.fromkeys(names, huge)),
        ("every field repeated", form, {name: ["1", "2", "3"] for name in names}),
        ("JSON: NUL", "application/json", json.dumps(dict.fromkeys(names, "a\x00b"))),
        ("JSON: huge strings", "application/json", json.dumps(dict.fromkeys(names, huge))),
        ("JSON: nested 50 deep", "application/json", json.dumps(dict.fromkeys(names, _nested(50)))),
        ("JSON: wrong types", "application/json",
         json.dumps(dict(zip(names, [[1, 2], {"x": 1}, True, 1e308, None, -1] * 40, strict=False)))),
        ("JSON: a list at the top", "application/json", json.dumps([1, "a", None])),
        ("JSON: nested 100,000 deep", "application/json", "[" * 100_000 + "]" * 100_000),
        ("not JSON", "application/json", '{"name": "unterminated'),
        ("JSON: lone surrogate", "application/json", '{"name": "\\ud800"}'),
    ]
    return bodies


def _field_names(response) -> list[str]:
    text = body_text(response)
    names = [name for name in _FIELD_NAME.findall(text) if name not in _SKIP_FIELDS]
    if not names and "json" in response.get("Content-Type", ""):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            names = [key for key in data if isinstance(key, str)][:30]
    return list(dict.fromkeys(names))[:30]


def probe_bad_input(world: World, *, max_routes: int | None = None, only=None) -> Result:
    """Malformed bodies to every route (or a bounded set) as A's administrator; none may be a 5xx."""
    from django.test import Client

    result = Result()
    admin = Client(raise_request_exception=False)
    admin.force_login(world.admin_a)
    for route in _routes(max_routes, only):
        if NO_BAD_INPUT.search(route.label) or NO_BAD_INPUT.search(route.name):
            continue
        kwargs: dict[str, Any] = {}
        if route.kwargs:
            calibrated = calibrate(route, world, admin)
            if calibrated is None:
                continue
            kwargs = calibrated[1]
        url = route.url(kwargs)
        page = admin.get(url)
        names = _field_names(page) if page.status_code < 400 else []
        methods = ["post", "put", "patch"] if route.is_api else ["post"]
        result.bad_input_routes += 1
        for method in methods:
            for label, content_type, body in bad_bodies(names):
                if content_type.endswith("urlencoded"):
                    if method != "post":
                        continue
                    response = admin.post(url, body)
                else:
                    response = _request(admin, method, url, data=body, content_type=content_type)
                result.bad_input_probes += 1
                if response.status_code >= 500:
                    result.fail(f"bad input ({label}): {method.upper()} {url} → {response.status_code}")
    return result


# --- command line ----------------------------------------------------------------------------


def seed() -> None:
    from django.core.management import call_command

    call_command("seed_demo", "--communities-per-street", "1", "--grids-per-community", "1", "--scale", "40",
                 "--quiet")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-routes", type=int, default=None, help="probe at most N routes (default: all)")
    parser.add_argument("--skip-bad-input", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)

    base = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(base))
    work = Path(tempfile.mkdtemp(prefix="probe_isolation_"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(work / "probe.sqlite3")
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ.setdefault("LOG_LEVEL", "CRITICAL")
    import django

    django.setup()
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # thousands of expected 404s; 5xx still show
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's response.context and an in-memory mail outbox
    call_command("migrate", verbosity=0)
    seed()
    world = build_world()
    print(f"database: {connection.vendor}; tenant A {world.tenant_a.slug}, tenant B {world.tenant_b.slug}; "
          f"{sum(len(v) for v in world.samples.values())} sample objects of {len(world.samples)} models, "
          f"{len(world.markers_a)} markers of tenant A, {len(world.markers_outside)} outside the street")
    isolation = probe_isolation(world, max_routes=args.max_routes, verbose=args.verbose)
    print(f"isolation: {isolation.routes} routes ({isolation.object_routes} with object ids, "
          f"{len(isolation.uncalibrated)} whose ids no sample fits), {isolation.probes} probes, "
          f"{len(isolation.failures)} failures")
    for line in isolation.failures:
        print("  FAIL", line)
    if args.verbose:
        for label in isolation.uncalibrated:
            print("  not calibrated:", label)
    failures = len(isolation.failures)
    if not args.skip_bad_input:
        bad = probe_bad_input(world, max_routes=args.max_routes)
        print(f"bad input: {bad.bad_input_routes} routes, {bad.bad_input_probes} requests, "
              f"{len(bad.failures)} failures (5xx)")
        for line in bad.failures:
            print("  FAIL", line)
        failures += len(bad.failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
