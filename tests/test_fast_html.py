"""Fast HTML list helpers (issue 8): the Python-rendered select, the cached reversing and the sort headers
write what Django's templates wrote."""

from __future__ import annotations

import re

from django import forms
from django.test import RequestFactory
from django.urls import reverse
from django.utils.translation import override

from governance.reversing import cached_reverse, pk_url
from governance.templatetags.listing import sort_hidden, sort_menu, sortable_th
from governance.web import SortKey, sort_queryset
from governance.widgets import FastSelect, FastSelectMultiple, fast_selects


def _normal(html: str) -> str:
    """Django's option template ends in a newline of its own: compare without blank lines."""
    return re.sub(r"\n\s*\n", "\n", str(html))


class _Form(forms.Form):
    plain = forms.ChoiceField(required=False, choices=[("", "All"), ("x", '<b>"X" & Y</b>'),
                                                       ("Group", [("1", "one"), ("2", "two")])],
                              widget=forms.Select(attrs={"class": "form-select", "data-on": True, "data-off": False}))
    several = forms.MultipleChoiceField(choices=[("1", "一"), ("2", "二"), ("3", "三")])
    typed = forms.TypedChoiceField(choices=[(20, 20), (50, 50)], coerce=int, required=False)
    text = forms.CharField(required=False)


def test_fast_select_writes_what_django_select_writes():
    data = {"plain": "2", "several": ["1", "3"], "typed": "50", "text": "<x>"}
    slow, fast = _Form(data), _Form(data)
    fast_selects(fast)
    assert type(fast.fields["plain"].widget) is FastSelect
    assert type(fast.fields["several"].widget) is FastSelectMultiple
    assert type(fast.fields["text"].widget) is forms.TextInput  # only selects are swapped
    assert type(slow.fields["plain"].widget) is forms.Select  # the class's fields are untouched
    for name in data:
        assert _normal(fast[name]) == _normal(slow[name]), name
    html = str(fast["plain"])
    assert "&lt;b&gt;&quot;X&quot; &amp; Y&lt;/b&gt;" in html and "data-on " in html and "data-off" not in html
    assert '<option value="2" selected>two</option>' in html and '<optgroup label="Group">' in html
    assert str(fast["several"]).count(" selected") == 2 and " multiple" in str(fast["several"])


def test_fast_select_keeps_required_and_validation():
    form = _Form({"plain": "nope", "typed": "50"})
    fast_selects(form)
    assert not form.is_valid()
    assert set(form.errors) == {"plain", "several"}
    assert " required" in str(form["several"])


def test_cached_reverse_and_pk_url_match_reverse():
    assert cached_reverse("orgs:list") == reverse("orgs:list")
    for pk in (1, 42, 2147480646):
        assert pk_url("orgs:detail", pk) == reverse("orgs:detail", args=[pk])
    assert pk_url("orgs:filing-detail", "7") == reverse("orgs:filing-detail", args=[7])


def test_sort_headers_and_menu():
    request = RequestFactory().get("/orgs/", {"q": "社区", "sort": "-name", "page": "3"})
    from orgs.models import Organization

    _qs, sorting = sort_queryset(request, Organization.objects.none(), default="name", allowed={
        "name": SortKey("Name", "name"), "code": SortKey("Code & <id>", "uscc")})
    with override("en"):
        name, code = str(sortable_th(sorting, "name")), str(sortable_th(sorting, "code", css="text-nowrap"))
        menu = str(sort_menu(sorting))
    assert 'aria-sort="descending"' in name and "sort-link active" in name and "▼" in name
    assert 'href="?q=%E7%A4%BE%E5%8C%BA&amp;sort=name"' in name and 'title="Sort ascending"' in name
    assert 'aria-sort="none"' in code and 'class="text-nowrap"' in code and "Code &amp; &lt;id&gt;" in code
    assert "page=" not in name + code + menu  # a new sort starts on the first page
    assert "Sort: Name ▼" in menu and menu.count('aria-current="true"') == 1 and "d-md-none" in menu
    assert "d-md-none" not in str(sort_menu(sorting, always=True))
    assert str(sort_hidden(sorting)) == '<input type="hidden" name="sort" value="-name">'
