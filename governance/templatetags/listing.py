"""``{% load listing %}``: sortable column headers of a list (``governance.web.sort_queryset``).

    <thead><tr>{% sortable_th sorting "name" %}{% sortable_th sorting "registered" css="text-nowrap" %}</tr></thead>
    {% sort_menu sorting %}   {# the same choice on phones, where the stacked table hides its header #}
    {% sort_hidden sorting %}  {# inside a filter form: submitting the filters keeps the sort #}
    <a href="{{ org.pk|pk_url:'orgs:detail' }}">  {# a row's link: {% url 'orgs:detail' org.pk %}, reversed once #}

The markup is written here with ``format_html`` rather than through an inclusion template: a list page
renders a dozen headers and a menu of two links per column on every request (issue 8, bench/README.md).
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from governance.reversing import pk_url as _pk_url

register = template.Library()


def _arrow(column) -> str:
    if not column.active:
        return "↕"
    return "▼" if column.descending else "▲"


@register.simple_tag
def sortable_th(sorting, key: str, label: str = "", css: str = ""):
    column = sorting[key]
    ascending_now = column.active and not column.descending
    return format_html(
        '<th scope="col" aria-sort="{}"{}><a class="sort-link{}" href="{}" title="{}">{}'
        '<span class="sort-arrow" aria-hidden="true">{}</span></a></th>',
        column.aria_sort, format_html(' class="{}"', css) if css else "", " active" if column.active else "",
        column.url, _("Sort descending") if ascending_now else _("Sort ascending"), label or column.label,
        _arrow(column))


def _menu_item(label, url: str, current: bool, arrow: str) -> str:
    return format_html('<li><a class="dropdown-item{}" href="{}"{}>{} {}</a></li>', " active" if current else "", url,
                       mark_safe(' aria-current="true"') if current else "", label, arrow)


@register.simple_tag
def sort_menu(sorting, always: bool = False):
    """The sort as a menu: on phones only (under a table), or ``always`` (a list of cards has no header)."""
    active = next((column for column in sorting.columns.values() if column.active), None)
    items = []
    for column in sorting.columns.values():
        items.append(_menu_item(column.label, column.url_asc, column.active and not column.descending, "▲"))
        items.append(_menu_item(column.label, column.url_desc, column.descending, "▼"))
    current = format_html(": {} {}", active.label, "▼" if active.descending else "▲") if active else ""
    return format_html(
        '<div class="dropdown{} mb-2 sort-menu">\n  <button class="btn btn-outline-secondary btn-sm dropdown-toggle"'
        ' type="button" data-bs-toggle="dropdown" aria-expanded="false">{}{}</button>\n'
        '  <ul class="dropdown-menu">\n    {}\n  </ul>\n</div>',
        "" if always else " d-md-none", _("Sort"), current, mark_safe("\n    ".join(items)))  # noqa: S308 - escaped


@register.simple_tag
def sort_hidden(sorting):
    if not sorting:
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', sorting.param, sorting.key)



@register.filter
def pk_url(pk, name: str) -> str:
    return _pk_url(name, pk)
