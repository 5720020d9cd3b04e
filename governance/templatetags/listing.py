"""``{% load listing %}``: sortable column headers of a list (``governance.web.sort_queryset``).

    <thead><tr>{% sortable_th sorting "name" %}{% sortable_th sorting "registered" css="text-nowrap" %}</tr></thead>
    {% sort_menu sorting %}   {# the same choice on phones, where the stacked table hides its header #}
    {% sort_hidden sorting %}  {# inside a filter form: submitting the filters keeps the sort #}
"""

from django import template

register = template.Library()


@register.inclusion_tag("includes/sortable_th.html")
def sortable_th(sorting, key: str, label: str = "", css: str = ""):
    column = sorting[key]
    return {"column": column, "label": label or column.label, "css": css}


@register.inclusion_tag("includes/sort_menu.html")
def sort_menu(sorting, always: bool = False):
    """The sort as a menu: on phones only (under a table), or ``always`` (a list of cards has no header)."""
    active = next((column for column in sorting.columns.values() if column.active), None)
    return {"sorting": sorting, "active": active, "columns": list(sorting.columns.values()), "always": always}


@register.inclusion_tag("includes/sort_hidden.html")
def sort_hidden(sorting):
    return {"sorting": sorting}
