from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied


class TenantTokenAuthentication(TokenAuthentication):
    """Token authentication that also refuses users of a deactivated tenant."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if user.tenant_id is not None and not user.tenant.is_active:
            raise AuthenticationFailed(_("This tenant has been deactivated."))
        return user, token


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
