"""``{% load registry_tags %}``: ``{% contact_phone org %}`` shows the contact phone as the user may see it —
in full (a ``tel:`` link) for staff who maintain the organization and its own users, masked
(``138****5678``) for read-only roles (``orgs.permissions.can_see_contact_phone``)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from governance.reversing import pk_url
from orgs.models import CreditList, OrgKind, OrgStatus
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


# Bootstrap badge class of each organization status (templates/orgs/registry/_badges.html and the list's rows).
STATUS_BADGES = {"active": "text-bg-success", "pending": "text-bg-info", "suspended": "text-bg-warning",
                 "revoked": "text-bg-danger"}


@register.filter
def status_badge(status: str) -> str:
    """``{{ org.status|status_badge }}``: one dictionary look-up instead of an if/elif chain in every row."""
    return STATUS_BADGES.get(status, "text-bg-secondary")


_ROW = ('<tr>\n      <td data-label="{}"><a class="fw-semibold" href="{}">{}</a></td>\n'
        '      <td data-label="{}" class="text-nowrap">{}</td>\n      <td data-label="{}">{}</td>\n'
        '      <td data-label="{}">{}</td>\n      <td data-label="{}"><span class="badge {}">{}</span></td>\n'
        '      <td data-label="{}"{}>{}</td>\n      <td data-label="{}"{}>{}</td>\n'
        '      <td data-label="{}" class="text-nowrap">{}</td>\n    </tr>')
_HIDDEN_ON_PHONES = mark_safe(' class="d-none d-sm-table-cell"')
_DASH = mark_safe('<span class="text-muted">—</span>')


@register.simple_tag
def organization_rows(organizations, labels):
    """The ``<tr>`` of each organization of the list page (``labels``: ``model_labels(Organization)``).

    Written with ``format_html`` rather than as a ``{% for %}`` of the template: each cell of a template row
    costs a variable resolution, a localisation and an escape, and the rows were a third of the page (issue 8).
    Every value is escaped; labels are translated once per call, not per row.
    """
    kinds = {value: str(label) for value, label in OrgKind.choices}
    statuses = {value: str(label) for value, label in OrgStatus.choices}
    name, kind, code, status, grade, credit = (_("Name"), _("Kind"), _("Code"), _("Status"), _("Grade"),
                                               _("Credit list"))
    region, registered = str(labels["region"]), str(labels["registered_date"])
    credit_badges = {
        CreditList.SERIOUS.value: format_html('<span class="badge text-bg-danger">{}</span>', _("Serious dishonesty list")),
        CreditList.ABNORMAL.value: format_html('<span class="badge text-bg-warning">{}</span>',
                                         _("Abnormal activities list")),
    }
    not_listed = format_html('<span class="text-muted">{}</span>', _("Not listed"))
    rows = []
    for org in organizations:
        org_code = org.code
        rows.append(format_html(
            _ROW, name, pk_url("orgs:detail", org.pk), org.name, kind, kinds.get(org.kind, org.kind), code,
            format_html('<code class="text-nowrap">{}</code>', org_code) if org_code else "—",
            region, org.region.name, status, STATUS_BADGES.get(org.status, "text-bg-secondary"),
            statuses.get(org.status, org.status),
            grade, "" if org.current_grade else _HIDDEN_ON_PHONES,
            format_html('<span class="badge text-bg-primary">{}</span>', org.current_grade) if org.current_grade
            else _DASH,
            credit, "" if org.credit_list else _HIDDEN_ON_PHONES, credit_badges.get(org.credit_list, not_listed),
            registered, org.registered_date.isoformat() if org.registered_date else "—"))
    return mark_safe("\n    ".join(rows))  # noqa: S308 - each row is format_html
