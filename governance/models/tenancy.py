from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tenant(models.Model):
    """One government customer (a city or a district) — 租户. Owns one subtree of the region tree."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    root_code = models.CharField(
        _("root division code"),
        max_length=15,
        validators=[RegexValidator(r"^\d{2,15}$", _("A division code has 2 to 15 digits."))],
        help_text=_("Official division code of the tenant's root region, e.g. 4304 for Hengyang."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
