import uuid

from django.conf import settings
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from governance.request_context import RequestInfo, client_ip, reset_request_info, set_request_info
from governance.tenancy import all_tenants, tenant_context


class RequestContextMiddleware:
    """Gives each request an id (echoed as X-Request-ID) and records the client IP for audit events."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming[:64] if incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        request.request_id = request_id
        token = set_request_info(RequestInfo(request_id=request_id, ip_address=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            reset_request_info(token)
        response["X-Request-ID"] = request_id
        return response


def _token_user(request):
    """The user of an ``Authorization: Token <key>`` header, only to pick the tenant.

    ``request.user`` is left alone: DRF authenticates the token itself, and setting it here would make
    DRF's session authentication treat the request as a browser session (and demand a CSRF token).
    The token row is looked up once per request: DRF's authentication reuses it.
    """
    header = request.META.get("HTTP_AUTHORIZATION", "")
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != "token":
        return None
    from governance.api.authentication import resolve_api_token

    token, _reason = resolve_api_token(request, parts[1])
    return token.user if token is not None else None


class TenantMiddleware:
    """Activates the signed-in user's tenant for the whole request (one transaction on PostgreSQL).

    Platform operators (superusers without a tenant) get the explicit cross-tenant scope only in the
    Django admin. Anonymous requests and operators elsewhere run with no tenant: any query on a
    tenant-owned table then raises instead of returning rows.

    API requests signed with a token are scoped to the token user's tenant the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path.startswith("/api/"):
            # DRF tries the token before the session (settings.REST_FRAMEWORK), so a request carrying
            # both acts as the token's user: scope it to that user's tenant, not the session's.
            user = _token_user(request) or user
        if user is not None and user.is_authenticated:
            if user.tenant_id is not None:
                request.tenant = user.tenant
                with tenant_context(user.tenant):
                    return self.get_response(request)
            if user.is_superuser and request.path.startswith("/admin/"):
                request.tenant = None
                with all_tenants():
                    return self.get_response(request)
        request.tenant = None
        return self.get_response(request)


def _has_nul(items) -> bool:
    return any("\x00" in key or "\x00" in value for key, values in items for value in values)


class RejectNulMiddleware:
    """Answers 414 to a query string over ``MAX_QUERY_STRING_LENGTH`` and 400 to a NUL character in the path, a query or form parameter (key or value) or a cookie.

    PostgreSQL cannot store or compare NUL in text, so such a value reaching a query is a 500
    (``?status=%00`` on a list, ``?status__exact=%00`` in the admin). No legitimate input contains one:
    refuse it once, for every page, instead of in every form and filter.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from governance.errors import bad_request_response, uri_too_long_response

        # gunicorn.conf.py lets long request lines through (gunicorn's own 414 is an English HTML page):
        # the limit is the platform's, answered in the envelope or a Chinese page.
        if len(request.META.get("QUERY_STRING", "")) > settings.MAX_QUERY_STRING_LENGTH:
            return uri_too_long_response(request)
        nul = "\x00" in request.path_info or _has_nul(request.GET.lists())
        nul = nul or any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items())
        # Form bodies of pages (the API parses only JSON, where DRF's CharField refuses NUL itself; reading
        # request.POST here would consume the body before DRF sees it).
        if not nul and request.method == "POST" and not request.path.startswith("/api/") and (
            request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            try:
                nul = _has_nul(request.POST.lists())
            except MultiPartParserError:
                return bad_request_response(request, _("The form data could not be read."))
        if nul:
            return bad_request_response(request, _("The request contains a NUL character, which is not allowed."))
        return self.get_response(request)
