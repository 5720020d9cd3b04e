"""The filing certificate (备案证明): a print page for staff and the organization's own users, and the public
verification page its QR code links to (``orgs.certificates``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from orgs import certificates, permissions, selectors
from orgs.models import Filing, FilingStatus
from orgs.views.helpers import require


@login_required
@require_GET
def certificate(request, org_pk: int):
    """Staff of the organization's subtree and its own users (the selector's scope); a 404 for anyone else
    and for an organization without a certificate."""
    org = selectors.organization_get_for_user(user=request.user, pk=org_pk)
    require(certificates.has_certificate(org))
    filing = Filing.objects.filter(organization=org, status=FilingStatus.FILED).first()
    url = certificates.verification_url(request, org)
    return render(request, "orgs/certificate/certificate.html", {
        "org": org, "authority": request.tenant.name, "street": org.region,
        "filed_on": (filing.decided_at.date() if filing and filing.decided_at else org.registered_date),
        "verification_url": url, "qr": mark_safe(certificates.qr_svg(url)),  # noqa: S308 - segno's own SVG
        "printed_on": timezone.localdate(),
        # The organization's own users come from the portal; staff from the registry's detail page.
        "back_to_portal": not permissions.region_in_jurisdiction(request.user, org.region, permissions.VIEW_ROLES),
    })


@never_cache
@require_GET
def certificate_verify(request, token: str):
    """Anyone with the link (no sign-in): the name, number and validity only; a 404 for a bad token."""
    verification = certificates.certificate_verify(token)
    require(verification is not None)
    return render(request, "orgs/certificate/verify.html", {"verification": verification})
