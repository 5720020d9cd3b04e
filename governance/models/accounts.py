from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel


class Role(models.TextChoices):
    """Roles of DESIGN.md §2. The platform operator is a Django superuser without a tenant."""

    TENANT_ADMIN = "tenant_admin", _("Tenant administrator")
    STREET_STAFF = "street_staff", _("Street staff")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    GRID_WORKER = "grid_worker", _("Grid worker")
    EXPERT = "expert", _("Expert reviewer")
    ORG_USER = "org_user", _("Social organization user")
    PARTY_OFFICER = "party_officer", _("Party affairs officer")
    AUDITOR = "auditor", _("Auditor / supervisor")


# Roles that see every row of their region subtree in the staff UI.
STAFF_ROLES = frozenset(
    {Role.TENANT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.AUDITOR}
)


class User(AbstractUser):
    """A person who signs in. ``tenant`` is empty only for platform operators."""

    tenant = models.ForeignKey(
        "governance.Tenant",
        verbose_name=_("tenant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_platform_operator(self) -> bool:
        return self.is_superuser and self.tenant_id is None


class RoleAssignment(TenantOwnedModel):
    """(user, tenant, region node, role): the user holds ``role`` over the subtree of ``region``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    region = models.ForeignKey(
        "governance.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "region", "role"], name="role_assignment_unique"),
        ]
        indexes = [models.Index(fields=["tenant", "user"], name="role_assignment_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region}"

    def clean(self):
        super().clean()
        # The admin's forms (the operator sees every tenant) must not pair a user with another tenant's region.
        # An admin inline pairs the row with a user that may not be saved yet (no user_id, but cached).
        user = self._state.fields_cache.get("user") or (self.user if self.user_id else None)
        region = self.region if self.region_id else None
        if user is not None and region is not None and user.tenant_id != region.tenant_id:
            raise ValidationError({"region": _("The user and the region belong to different tenants.")})
