"""The tenant's registry settings (登记设置) and the counters its filing numbers are drawn from."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.tenancy import TenantOwnedModel
from orgs.numbering import DEFAULT_FORMAT, FORMAT_MAX_LENGTH, PREFIX_MAX_LENGTH, format_errors


class RegistrySettings(TenantOwnedModel):
    """One row per tenant; a tenant without a row uses the defaults (``orgs.services.registry_settings_for``)."""

    filing_number_prefix = models.CharField(
        _("filing number prefix"), max_length=PREFIX_MAX_LENGTH, blank=True,
        help_text=_("The tenant's short name in filing numbers, e.g. 衡 for 衡阳市民政局."))
    filing_number_format = models.CharField(
        _("filing number format"), max_length=FORMAT_MAX_LENGTH, default=DEFAULT_FORMAT,
        help_text=_("Placeholders: {prefix} the short name, {year} the year of approval, {seq} the running number "
                    "of the year (e.g. {seq:05d}: five digits), {street} the street's division code."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("registry settings")
        verbose_name_plural = _("registry settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="registry_settings_one_per_tenant")]

    def __str__(self) -> str:
        return str(_("Registry settings"))

    def clean(self):
        super().clean()
        errors = format_errors(self.filing_number_format, self.filing_number_prefix)
        if errors:
            raise ValidationError({"filing_number_format": errors})
        if self.tenant_id and RegistrySettings.unscoped.filter(tenant_id=self.tenant_id).exclude(pk=self.pk).exists():
            raise ValidationError(_("The tenant already has its registry settings; change those."))


class FilingNumberCounter(TenantOwnedModel):
    """The last running number issued per tenant and year (year 0: a format without ``{year}``).

    Approvals lock the row (``orgs.services.filing_numbers_reserve``), so parallel approvals queue instead
    of drawing one number twice; the unique constraint on (tenant, filing number) is the last guard.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last running number"), default=0)

    class Meta:
        verbose_name = _("filing number counter")
        verbose_name_plural = _("filing number counters")
        constraints = [models.UniqueConstraint(fields=["tenant", "year"], name="filing_counter_one_per_year")]

    def __str__(self) -> str:
        return f"{self.year or '—'}: {self.last}"
