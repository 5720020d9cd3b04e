"""The tenant administrator's registry settings (登记设置): the filing-number format, with a live example."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from governance.tenancy import require_tenant
from orgs import permissions, services
from orgs.forms.settings import RegistrySettingsForm
from orgs.numbering import PLACEHOLDERS, example, format_errors
from orgs.views.helpers import require, service_errors


@login_required
@require_http_methods(["GET", "POST"])
def registry_settings(request):
    require(permissions.can_configure_registry(request.user))
    tenant = require_tenant()
    current = services.registry_settings_for(tenant)
    initial = {"filing_number_prefix": current.filing_number_prefix,
               "filing_number_format": current.filing_number_format}
    form = RegistrySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form) as outcome:
            services.registry_settings_update(actor=request.user, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Registry settings saved. New filing numbers use the new format; "
                                        "numbers already issued stay as they are."))
            return redirect("orgs:registry-settings")
    shown = form.data if form.is_bound else initial
    return render(request, "orgs/settings/registry_settings.html", {
        "form": form, "placeholders": PLACEHOLDERS,
        "preview": _preview(shown.get("filing_number_format", ""), shown.get("filing_number_prefix", "")),
        "next_number": services.filing_number_peek(tenant=tenant, year=timezone.localdate().year),
    })


@login_required
@require_GET
def registry_settings_preview(request):
    """The live example while the administrator types (htmx): the number the format gives, or its errors."""
    require(permissions.can_configure_registry(request.user))
    return render(request, "orgs/settings/_filing_number_example.html", {
        "preview": _preview(request.GET.get("filing_number_format", ""),
                            request.GET.get("filing_number_prefix", "")),
    })


def _preview(fmt: str, prefix: str) -> dict:
    fmt, prefix = (fmt or "").strip()[:200], (prefix or "").strip()[:50]
    errors = format_errors(fmt, prefix)
    return {"errors": errors, "example": "" if errors else example(fmt, prefix)}
