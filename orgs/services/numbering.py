"""Filing numbers in the tenant's format (orgs.numbering): the settings and the locked per-year counters."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.exceptions import ApplicationError
from governance.models import Tenant
from governance.models.regions import LEVEL_CODE_DIGITS, RegionLevel
from governance.tenancy import require_tenant
from governance.workflows import lock_row
from orgs.models import FilingNumberCounter, Organization, RegistrySettings
from orgs.numbering import default_prefix, format_errors, has_year, render
from orgs.permissions import can_configure_registry


def registry_settings_for(tenant: Tenant) -> RegistrySettings:
    """The tenant's settings, or (unsaved) the defaults with the prefix from the tenant's name."""
    found = RegistrySettings.unscoped.filter(tenant_id=tenant.pk).first()
    return found or RegistrySettings(tenant_id=tenant.pk, filing_number_prefix=default_prefix(tenant.name))


@transaction.atomic
def registry_settings_update(*, actor, filing_number_format: str, filing_number_prefix: str) -> RegistrySettings:
    """The tenant admin sets the filing-number format: validated, saved, audited (numbers issued stay)."""
    tenant = require_tenant()
    if not can_configure_registry(actor):
        raise ApplicationError(_("Only the tenant administrator may change the registry settings."))
    settings = registry_settings_for(tenant)
    if settings.pk is not None:
        lock_row(settings)
    before = {"filing_number_format": settings.filing_number_format if settings.pk else "",
              "filing_number_prefix": settings.filing_number_prefix if settings.pk else ""}
    settings.filing_number_format = (filing_number_format or "").strip()
    settings.filing_number_prefix = (filing_number_prefix or "").strip()
    settings.full_clean(validate_constraints=False)
    after = {"filing_number_format": settings.filing_number_format,
             "filing_number_prefix": settings.filing_number_prefix}
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if settings.pk is not None and not changes:
        return settings
    try:
        with transaction.atomic():
            settings.save()
    except IntegrityError as exc:  # a parallel first save of the tenant's row
        raise ApplicationError(_("The settings were changed meanwhile; please reload the page.")) from exc
    audit_record(actor=actor, action="registry_settings.update", obj=settings, changes=changes)
    return settings


def filing_number_peek(*, tenant: Tenant, year: int, street: str = "430405001") -> str:
    """The number the next approval of ``year`` would get (nothing reserved; "" if the format is invalid)."""
    settings = registry_settings_for(tenant)
    fmt, prefix = settings.filing_number_format, settings.filing_number_prefix
    if format_errors(fmt, prefix):
        return ""
    counter = FilingNumberCounter.unscoped.filter(tenant_id=tenant.pk, year=year if has_year(fmt) else 0).first()
    return render(fmt, prefix=prefix, year=year, seq=(counter.last if counter else 0) + 1, street=street)


def street_code(region) -> str:
    """The ``{street}`` of a number: the code of the street above (or at) ``region``, else the region's own."""
    street_digits = LEVEL_CODE_DIGITS[RegionLevel.STREET]
    segments = region.path.strip("/").split("/")
    if region.level >= RegionLevel.STREET and len(segments) > 1:
        for segment in segments:
            if len(segment) == street_digits:
                return segment
    return region.short_code


def _locked_counter(tenant_id: int, year: int) -> FilingNumberCounter:
    """The counter row of (tenant, year), created at 0 if missing, locked until the transaction ends."""
    counter = FilingNumberCounter.unscoped.filter(tenant_id=tenant_id, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = FilingNumberCounter.unscoped.create(tenant_id=tenant_id, year=year, last=0)
        except IntegrityError:  # another approval created it first: use theirs
            counter = FilingNumberCounter.unscoped.get(tenant_id=tenant_id, year=year)
    return lock_row(counter, "last")


def filing_numbers_reserve(*, tenant: Tenant, year: int, streets: Sequence[str]) -> list[str]:
    """One new filing number per entry of ``streets`` (the street code of each group), in order.

    Draws from the tenant's counter of ``year`` under a row lock held until the caller's transaction ends:
    parallel approvals queue, and a rollback returns the numbers. Numbers already used in the tenant (typed
    by hand, imported, or of an earlier format) are skipped. Must run inside a transaction.
    """
    if not streets:
        return []
    settings = registry_settings_for(tenant)
    fmt, prefix = settings.filing_number_format, settings.filing_number_prefix
    if format_errors(fmt, prefix):  # saved before a rule existed, or written to the database by hand
        raise ApplicationError(_("The filing-number format of the registry settings is not valid; "
                                 "the tenant administrator must correct it first."))
    counter = _locked_counter(tenant.pk, year if has_year(fmt) else 0)
    numbers: list[str] = []
    seq = counter.last
    while len(numbers) < len(streets):
        batch = []
        for street in streets[len(numbers):]:
            seq += 1
            batch.append(render(fmt, prefix=prefix, year=year, seq=seq, street=street))
        taken = set(Organization.unscoped.filter(tenant_id=tenant.pk, filing_number__in=batch)
                    .values_list("filing_number", flat=True))
        numbers.extend(number for number in batch if number not in taken)
        if len(set(numbers)) != len(numbers):
            raise ValidationError({"filing_number": [_("The filing-number format gives the same number twice; "
                                                      "add {seq} or {street}.")]})
    counter.last = seq
    counter.save(update_fields=["last"])
    return numbers[:len(streets)]
