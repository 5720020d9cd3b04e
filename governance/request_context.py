"""Per-request facts that services record in audit events (request id, client IP)."""

import contextvars
import ipaddress
from dataclasses import dataclass

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address: the one rule for audit events, login lock-out (django-axes) and API throttling.

    X-Forwarded-For is written by the client except for the entries our own proxies append, so only the
    last ``TRUSTED_PROXY_COUNT`` hops are believed (0, the default: no proxy, the socket address). A value
    that is not an IP address is dropped: it must neither forge the audit trail nor break the ``inet``
    column on PostgreSQL.
    """
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    candidate = forwarded[-hops] if hops and len(forwarded) >= hops else request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
    except ValueError:
        return None


@dataclass(frozen=True)
class RequestInfo:
    request_id: str = ""
    ip_address: str | None = None


_NO_REQUEST = RequestInfo()
_request_info: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("request_info", default=None)


def get_request_info() -> RequestInfo:
    return _request_info.get() or _NO_REQUEST


def set_request_info(info: RequestInfo):
    return _request_info.set(info)


def reset_request_info(token) -> None:
    _request_info.reset(token)
