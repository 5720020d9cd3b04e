from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class TenantTokenAuthentication(TokenAuthentication):
    """Token authentication that also refuses users of a deactivated tenant."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if user.tenant_id is not None and not user.tenant.is_active:
            raise AuthenticationFailed(_("This tenant has been deactivated."))
        return user, token
