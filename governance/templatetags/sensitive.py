"""``{% load sensitive %}``: ``{{ person.id_number|mask }}``, ``{{ some_string|mask:"phone" }}``.

A SensitiveField value already prints masked; the filter states it in the template and masks plain
strings (e.g. a phone number that comes from somewhere else) by kind.
"""

from django import template

from governance.sensitive.kinds import mask_value

register = template.Library()


@register.filter
def mask(value, kind: str = "text") -> str:
    return mask_value(value, kind)
