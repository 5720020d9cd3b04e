"""URL reversing for pages that reverse the same names on every request (the sidebar, a list's row links).

``reverse()`` walks the resolver on every call; a list page of 50 rows with a detail link each, plus a
sidebar of twenty entries, spent a tenth of its time there (issue 8). The result only depends on the name,
the URL configuration in force and the script prefix, so it is kept per those (the arguments of a row link
are formatted into the reversed pattern instead of reversing once per row).
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_PK_SENTINEL = 2147480647  # an integer no row link carries, replaced by the row's primary key


@lru_cache(maxsize=512)
def _reverse(name: str, urlconf, root_urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@lru_cache(maxsize=256)
def _pk_pattern(name: str, urlconf, root_urlconf: str, prefix: str) -> tuple[str, str]:
    head, _sep, tail = reverse(name, urlconf=urlconf, args=[_PK_SENTINEL]).partition(str(_PK_SENTINEL))
    return head, tail


def _key() -> tuple:
    return get_urlconf(), settings.ROOT_URLCONF, get_script_prefix()


def cached_reverse(name: str) -> str:
    """``reverse(name)`` for a URL without arguments; raises ``NoReverseMatch`` like ``reverse``."""
    return _reverse(name, *_key())


def pk_url(name: str, pk) -> str:
    """``reverse(name, args=[pk])`` for a URL whose only argument is an integer primary key."""
    head, tail = _pk_pattern(name, *_key())
    return f"{head}{int(pk)}{tail}"
