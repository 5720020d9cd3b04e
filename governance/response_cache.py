"""Whole list responses in the cache, keyed by the tenant's data version (issue 8).

A list page or list API answers the same bytes to the same user for the same URL as long as nothing in the
tenant's data changed. ``governance.data_version.current_version`` tells, in one statement, whether anything
did (database triggers see every write: services, queryset updates, COPY, the admin, psql). The key holds:

- the release (the code and templates: a deploy never serves an older build's bytes), the view;
- the tenant, its data version, the user (roles, jurisdiction and permissions are data of the tenant or of the
  user, so their changes move the version);
- scheme, host and full path with the query (the ``next`` links are absolute), the language, the time zone and
  today's date (a list that shows "overdue" changes at midnight without a write);
- for pages: the CSRF cookie's hash (forms in the page carry a token of it) and the htmx request headers; for
  the API: the renderer (only JSON is cached; the browsable API holds forms).

Entries also expire after ``settings.RESPONSE_CACHE_SECONDS`` (0 turns the cache off). Each process keeps
the entries it served in a size-bounded LRU in front of the shared cache (``RESPONSE_CACHE_LOCAL_BYTES``). Nothing is cached or
served when the transaction has written (its version is not trusted), on SQLite (no version), for anonymous
users, when the page has messages to show, and for anything but a 200 without cookies. Permission checks that
run before the view (login, DRF authentication, throttling) run on every request; a hit can only exist for the
same user with the same data, whose checks gave a 200 then.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone, translation

from governance.data_version import current_version
from governance.tenancy import get_current_tenant_id

KEY_PREFIX = "resp:"
_SKIPPED_HEADERS = {"set-cookie", "content-length"}


@functools.cache
def release() -> str:
    """The running code's identity: ``APP_RELEASE`` when the deployment sets it, else a digest of the names,
    sizes and modification times of the project's code, templates and translations."""
    configured = os.environ.get("APP_RELEASE", "")
    if configured:
        return configured
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for top in ("governance", "orgs", "projects", "grid", "party", "templates", "locale"):
        root = base / top
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".html", ".mo", ".txt") and "tests" not in path.parts:
                stat = path.stat()
                digest.update(f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


class LocalBodies:
    """A size-bounded LRU of entries in this process, in front of the shared cache.

    Always correct without invalidation: a key names one data version, so an entry can only become unreachable,
    never wrong. It saves the shared cache's round trip and the transfer of the body for the lists a worker
    answers again and again. Entries expire with the shared cache's timeout too (lists showing today's date).
    """

    def __init__(self):
        self.entries: OrderedDict[str, tuple[float, int, tuple]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            expires, _size, entry = found
            if expires < time.monotonic():
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple) -> None:
        budget = getattr(settings, "RESPONSE_CACHE_LOCAL_BYTES", 0)
        size = len(entry[0]) + 200
        if size > budget // 4:
            return
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = (time.monotonic() + settings.RESPONSE_CACHE_SECONDS, size, entry)
            self.size += size
            while self.size > budget:
                self._drop(next(iter(self.entries)))

    def _drop(self, key: str) -> None:
        _expires, size, _entry = self.entries.pop(key)
        self.size -= size

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


LOCAL = LocalBodies()


def enabled() -> bool:
    return bool(getattr(settings, "RESPONSE_CACHE_SECONDS", 0))


def cache_key(request, *, view: str, user, version: str, extra: tuple = ()) -> str:
    parts = [
        release(), view, str(get_current_tenant_id()), version, str(user.pk),
        request.scheme, request.get_host(), request.get_full_path(),
        translation.get_language() or "", timezone.get_current_timezone_name(), timezone.localdate().isoformat(),
        *map(str, extra),
    ]
    return KEY_PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def lookup(request, *, view: str, user, extra: tuple = ()) -> tuple[str | None, HttpResponse | None]:
    """(key to store under, cached response or None); the key is None when this request must not use the
    cache at all."""
    if not enabled() or request.method != "GET" or not getattr(user, "is_authenticated", False):
        return None, None
    tenant_id = get_current_tenant_id()
    if tenant_id is None:
        return None, None
    version = current_version(tenant_id)
    if version is None:
        return None, None
    key = cache_key(request, view=view, user=user, version=version, extra=extra)
    entry = LOCAL.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is None:
            return key, None
        LOCAL.put(key, entry)
    content, headers = entry
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response["X-Response-Cache"] = "hit"
    return key, response


def store(key: str | None, response) -> None:
    if key is None or response.status_code != 200 or response.streaming or response.cookies:
        return
    headers = [(name, value) for name, value in response.items() if name.lower() not in _SKIPPED_HEADERS]
    entry = (response.content, headers)
    cache.set(key, entry, timeout=settings.RESPONSE_CACHE_SECONDS)
    LOCAL.put(key, entry)
    response["X-Response-Cache"] = "miss"


def _page_extra(request) -> tuple | None:
    """What else a page depends on, or None when it must not be cached (no CSRF cookie yet, messages)."""
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not csrf or len(messages.get_messages(request)):
        return None
    return (hashlib.sha256(csrf.encode()).hexdigest()[:16], request.headers.get("HX-Request", ""),
            request.headers.get("HX-Boosted", ""), request.headers.get("HX-Target", ""),
            request.headers.get("HX-Trigger-Name", ""))


def cached_page(view_func):
    """For a list page's view (after ``login_required``): the whole response from the cache when nothing
    changed. The view must depend only on the request, the user and the database."""
    name = f"{view_func.__module__}.{view_func.__qualname__}"

    @functools.wraps(view_func)
    def wrapper(request, *args, **kwargs):
        extra = _page_extra(request) if enabled() else None
        if extra is None:
            return view_func(request, *args, **kwargs)
        key, hit = lookup(request, view=name, user=request.user, extra=(*extra, args, sorted(kwargs.items())))
        if hit is not None:
            return hit
        response = view_func(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
            response.render()
        store(key, response)
        return response

    return wrapper
