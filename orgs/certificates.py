"""Filing certificates (备案证明) of filed community groups, and the link that verifies one.

A printed certificate carries a QR code with a verification link. Its token is signed (``django.core.signing``
with its own salt), so it cannot be guessed or forged, and it names the tenant, the organization and the
filing number: a certificate whose number was since replaced no longer verifies. The verification page shows
anyone with the link only the name, the number and whether the filing is still in force (the status is read
live, so a deregistered group's certificate shows as no longer valid).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from governance.models import Tenant
from governance.qr import qr_svg as core_qr_svg
from governance.tenancy import tenant_context
from orgs.models import Organization, OrgKind, OrgStatus

SALT = "orgs.filing-certificate"
# A certificate exists once the street approved the filing (the group has its filing number).
ISSUED_STATUSES = (OrgStatus.ACTIVE, OrgStatus.SUSPENDED, OrgStatus.DEREGISTERED, OrgStatus.REVOKED)


def has_certificate(org: Organization) -> bool:
    """A filed community group (备案) with its filing number has a certificate (in force or not)."""
    return (org.kind == OrgKind.COMMUNITY_GROUP and bool(org.filing_number)
            and org.status in ISSUED_STATUSES)


def _number_digest(number: str) -> str:
    return hashlib.sha256(number.encode()).hexdigest()[:10]


def certificate_token(org: Organization) -> str:
    """The same token for the same certificate (a plain signer: no timestamp, so a reprint has the same link)."""
    return signing.Signer(salt=SALT).sign_object([org.tenant_id, org.pk, _number_digest(org.filing_number)])


def verification_url(request, org: Organization) -> str:
    return request.build_absolute_uri(reverse("orgs:certificate-verify", args=[certificate_token(org)]))


def qr_svg(url: str) -> str:
    return core_qr_svg(url, scale=4, css_class="certificate-qr")


@dataclass(frozen=True)
class Verification:
    name: str
    filing_number: str
    status_label: str
    valid: bool
    authority: str


def certificate_verify(token: str) -> Verification | None:
    """What the link of a certificate shows, or None for a token that is forged, damaged or outdated."""
    try:
        tenant_id, org_pk, digest = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    tenant = Tenant.objects.filter(pk=tenant_id, is_active=True).first() if isinstance(tenant_id, int) else None
    if tenant is None or not isinstance(org_pk, int):
        return None
    with tenant_context(tenant):
        org = Organization.objects.filter(pk=org_pk).first()
        if org is None or not has_certificate(org) or _number_digest(org.filing_number) != digest:
            return None
        return Verification(name=org.name, filing_number=org.filing_number, status_label=org.get_status_display(),
                            valid=org.status == OrgStatus.ACTIVE, authority=tenant.name)
