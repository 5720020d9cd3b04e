"""governance.web.sort_queryset: whitelisted keys only, the other parameters kept, the page dropped, aria-sort."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from governance.models import Region
from governance.tenancy import tenant_context
from governance.web import SortKey, sort_queryset

SORTS = {"name": SortKey("Name", "name"), "code": SortKey("Code", "code"), "level": ("level", "-code")}


def _sort(tree, **params):
    request = RequestFactory().get("/regions/", params)
    with tenant_context(tree["tenant"]):
        queryset, sorting = sort_queryset(request, Region.objects.filter(level__gte=3), allowed=SORTS, default="code")
        return list(queryset.values_list("code", flat=True)), sorting


@pytest.mark.parametrize("bad", ["password", "-password", "--code", "code-", "-", "name,code", "__class__", " "])
def test_unknown_keys_sort_by_the_default(tree_a, bad):
    codes, sorting = _sort(tree_a, sort=bad)
    assert sorting.key == "code" and codes == sorted(codes)


def test_ascending_descending_and_a_flipped_field(tree_a):
    codes, sorting = _sort(tree_a, sort="-code")
    assert sorting.key == "-code" and codes == sorted(codes, reverse=True)
    assert sorting["code"].aria_sort == "descending" and sorting["name"].aria_sort == "none"
    with tenant_context(tree_a["tenant"]):
        expected = [r.code for r in sorted(Region.objects.filter(level__gte=3).order_by("-code"),
                                           key=lambda r: r.level)]
    codes, _sorting = _sort(tree_a, sort="level")  # level ascending, then the code descending ("-code")
    assert codes == expected


def test_header_links_keep_the_filters_and_drop_the_page(tree_a):
    _codes, sorting = _sort(tree_a, sort="code", q="街道", level="4", page="3")
    column = sorting["code"]
    assert column.active and column.aria_sort == "ascending"
    link = parse_qs(column.url.lstrip("?"))
    assert link == {"sort": ["-code"], "q": ["街道"], "level": ["4"]}  # the active column flips, no page
    assert parse_qs(sorting["name"].url.lstrip("?"))["sort"] == ["name"]
    assert parse_qs(sorting["name"].url_desc.lstrip("?"))["sort"] == ["-name"]


def test_sortable_header_tag_renders_aria_sort_and_an_arrow(tree_a):
    _codes, sorting = _sort(tree_a, sort="-name")
    html = Template('{% load listing %}{% sortable_th sorting "name" %}{% sortable_th sorting "code" %}'
                    '{% sort_menu sorting %}{% sort_hidden sorting %}').render(Context({"sorting": sorting}))
    assert 'aria-sort="descending"' in html and "▼" in html and 'aria-sort="none"' in html
    assert 'href="?sort=name"' in html and 'name="sort" value="-name"' in html
    assert "d-md-none" in html  # the menu is for phones, where the stacked table hides its header
