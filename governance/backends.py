"""Authentication backend: users of a deactivated tenant cannot sign in (and lose their sessions)."""

from django.contrib.auth.backends import ModelBackend


class TenantAwareModelBackend(ModelBackend):
    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        tenant = getattr(user, "tenant", None)
        return tenant is None or tenant.is_active

    def get_user(self, user_id):
        user = super().get_user(user_id)
        # get_user() is how a session is restored: a tenant switched off ends its users' sessions.
        return user if user is not None and self.user_can_authenticate(user) else None
