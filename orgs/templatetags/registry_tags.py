"""``{% load registry_tags %}``: ``{% contact_phone org %}`` shows the contact phone as the user may see it —
in full (a ``tel:`` link) for staff who maintain the organization and its own users, masked
(``138****5678``) for read-only roles (``orgs.permissions.can_see_contact_phone``)."""

from django import template
from django.utils.html import format_html

from orgs.permissions import can_see_contact_phone, contact_phone_for

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_phone(context, org, link: bool = True):
    user = context.get("user") or getattr(context.get("request"), "user", None)
    phone = contact_phone_for(user, org)
    if not phone:
        return ""
    if link and can_see_contact_phone(user, org):
        return format_html('<a href="tel:{}">{}</a>', phone, phone)
    return format_html('<span class="text-nowrap">{}</span>', phone)


@register.filter
def has_certificate(org) -> bool:
    """``{% if org|has_certificate %}``: a filed community group with its number has a printable certificate."""
    from orgs.certificates import has_certificate as issued

    return issued(org)
