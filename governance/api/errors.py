"""One error envelope for the API: ``{"message": str, "extra": {...}}`` (HackSoft style).

Every ``/api/`` answer that is not a success uses it, with a translated message: errors raised in a DRF
view come through :func:`exception_handler`; what happens outside DRF (an unknown path, a body Django
refuses, a 500) through :func:`error_response`, called by the views of ``governance.errors``.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from governance.api.parsers import RequestBodyTooLarge
from governance.exceptions import ApplicationError


def default_message(status_code: int) -> str:
    """The translated message for a status that carries no more specific one."""
    messages = {
        400: _("The request is not valid."),
        401: _("Authentication credentials were not provided or are not valid."),
        403: _("You do not have permission to perform this action."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        406: _("The requested response format is not available."),
        413: _("The request body is too large."),
        415: _("Unsupported content type: send JSON (application/json)."),
        429: _("Too many requests: please wait and try again."),
    }
    return messages.get(status_code, _("Server error: the problem has been logged."))


def error_response(status_code: int, message: str | None = None, extra: dict | None = None) -> JsonResponse:
    return JsonResponse({"message": str(message or default_message(status_code)), "extra": extra or {}},
                        status=status_code, json_dumps_params={"ensure_ascii": False})


def _string_keys(detail):
    """JSON object keys are strings: a list field's errors come keyed by item index (``{0: [...]}``)."""
    if isinstance(detail, dict):
        return {str(key): _string_keys(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_string_keys(value) for value in detail]
    return detail


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response({"message": str(exc.message), "extra": exc.extra}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        exc = RequestBodyTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(default_message(400))

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django logs it and governance.errors answers 500 in the envelope
    extra: dict = {}
    if isinstance(exc, exceptions.ValidationError):
        message, extra = _("Validation error"), {"fields": _string_keys(response.data)}
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        message = default_message(415)
    elif isinstance(exc, exceptions.Throttled):
        message = default_message(429)
        if exc.wait is not None:
            extra = {"wait_seconds": int(exc.wait)}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        message = str(detail) or default_message(response.status_code)
    response.data = {"message": message, "extra": extra}
    return response
