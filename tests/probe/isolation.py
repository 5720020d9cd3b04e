"""The isolation half of the probe: every route as tenant B's administrator, a street user of tenant A with an
object outside their street, and an anonymous client."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.probe.world import (
    LOCATION_SCOPED,
    NONEXISTENT_ID,
    PUBLIC_NAMES,
    Route,
    World,
    _is_login_redirect,
    body_text,
    iter_routes,
)


def _spread(routes: list[Route], limit: int) -> list[Route]:
    """At most ``limit`` routes, every non-admin route first, then admin pages spread over the models."""
    own = [route for route in routes if not route.is_admin]
    admin = [route for route in routes if route.is_admin]
    if len(own) >= limit:
        return own[:limit]
    step = max(1, len(admin) // max(1, limit - len(own)))
    return own + admin[::step][:limit - len(own)]


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
