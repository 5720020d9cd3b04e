from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from governance.api.token_cache import token_by_digest
from governance.models.tokens import ApiToken, token_digest

_RESOLVED = "_governance_api_tokens"


def _resolve(key: str) -> tuple[ApiToken | None, str]:
    token = token_by_digest(token_digest(key))
    if token is None:
        return None, _("Invalid token.")
    if token.revoked_at is not None:
        return None, _("This token has been revoked.")
    if token.is_expired:
        return None, _("This token has expired: create a new one.")
    if not token.user.is_active:
        return None, _("User inactive or deleted.")
    if token.user.tenant_id is not None and not token.user.tenant.is_active:
        return None, _("This tenant has been deactivated.")
    return token, ""


def resolve_api_token(request, key: str) -> tuple[ApiToken | None, str]:
    """``(token, "")`` for a usable key, ``(None, reason)`` otherwise.

    Looked up once per request (``request`` is Django's HttpRequest): the tenant middleware needs the
    user to scope the request, DRF's authentication then reuses the same row. Across requests the row
    comes from the cache (``governance.api.token_cache``), so a signed request costs no query for it.
    """
    resolved = request.__dict__.setdefault(_RESOLVED, {})
    if key not in resolved:
        resolved[key] = _resolve(key)
    return resolved[key]


class TenantTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>`` with hashed, expiring, revocable keys (``governance.models.ApiToken``).

    Also refuses users of a deactivated tenant.
    """

    def authenticate(self, request):
        self._http_request = request._request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        token, reason = resolve_api_token(self._http_request, key)
        if token is None:
            raise AuthenticationFailed(reason)
        return token.user, token


class CsrfSessionAuthentication(SessionAuthentication):
    """Browser sessions on the API; a failed CSRF check says so in the user's language (DRF's is English)."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except PermissionDenied as exc:
            raise PermissionDenied(
                _("CSRF check failed: reload the page and try again, or sign API requests with a token.")
            ) from exc


class CsrfSessionScheme(SessionScheme):
    """The OpenAPI security scheme of the class above (drf-spectacular matches the exact class)."""

    target_class = CsrfSessionAuthentication
