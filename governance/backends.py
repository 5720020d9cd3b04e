"""Authentication backend: users of a deactivated tenant cannot sign in (and lose their sessions)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class TenantAwareModelBackend(ModelBackend):
    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        tenant = getattr(user, "tenant", None)
        return tenant is None or tenant.is_active

    def get_user(self, user_id):
        # get_user() is how a session is restored: a tenant switched off ends its users' sessions. The tenant
        # comes with the user (one query per request, not two: the tenant middleware needs it as well).
        user = get_user_model()._default_manager.select_related("tenant").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
