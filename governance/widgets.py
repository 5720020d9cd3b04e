"""Widgets of list pages that render in Python instead of through the form renderer's templates.

Django renders a ``<select>`` through ``select.html`` and one ``{% include %}`` of ``select_option.html`` per
option: a filter bar of eight selects costs about as much as the rest of a list page (bench/README.md, issue 8).
:class:`FastSelect` writes the same markup (the same attributes, escaping and option order) with
``format_html``; :func:`fast_selects` swaps it into a form's plain selects.
"""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """``attrs.html`` in Python: ``False`` and ``None`` omit the attribute, ``True`` writes its name alone."""
    parts = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        parts.append(format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)))
    return "".join(parts)


class FastSelect(forms.Select):
    """A ``Select`` (single or multiple) whose markup is built in Python: same output, no template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                html.append(format_html('\n  <option value="{}"{}>{}</option>', str(option["value"]),
                                        mark_safe(_attrs(option["attrs"])),  # noqa: S308 - escaped by _attrs
                                        conditional_escape(option["label"])))
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 - every part above is escaped


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    """``FastSelect``'s rendering with ``SelectMultiple``'s value handling (several selected options)."""


def fast_selects(form: forms.BaseForm) -> None:
    """Replace the plain ``Select``/``SelectMultiple`` widgets of ``form`` (its own copies) by the fast ones."""
    for field in form.fields.values():
        widget = field.widget
        kind = {forms.Select: FastSelect, forms.SelectMultiple: FastSelectMultiple}.get(type(widget))
        if kind is None:
            continue
        fast = kind(attrs=widget.attrs, choices=widget.choices)
        fast.is_required, fast.is_localized = widget.is_required, widget.is_localized
        field.widget = fast
