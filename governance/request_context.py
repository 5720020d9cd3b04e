"""Per-request facts that services record in audit events (request id, client IP)."""

import contextvars
from dataclasses import dataclass


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
