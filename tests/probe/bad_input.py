"""The bad-input half of the probe: malformed bodies POSTed (PUT/PATCHed on the API) to every route as tenant A's
administrator, with the field names read from the route's own form or JSON; none may be a 5xx."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.probe.isolation import (
    Result,
    _request,
    _routes,
    calibrate,
)
from tests.probe.world import (
    NO_BAD_INPUT,
    World,
    body_text,
)

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
