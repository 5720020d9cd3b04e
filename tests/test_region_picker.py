"""The cascading region picker (governance.regions_picker): endpoint scoping, search, query counts,
and the field's validation, through HTTP and a small form."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.urls import reverse

from governance import services
from governance.models import RegionLevel, Role
from governance.regions_picker import RegionField
from governance.tenancy import tenant_context

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
URL = "/regions/picker/"


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def option_ids(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', html)}


def test_endpoint_url_is_named():
    assert reverse("region-picker") == URL


# --- children --------------------------------------------------------------------------------


def test_children_of_a_node_in_the_jurisdiction(tree_a, users, client_for):
    html = text(client_for(users["street_a"]).get(URL, {"parent": tree_a["street"].pk, "field": "id_region"}))
    assert option_ids(html) == {tree_a["community"].pk, tree_a["community_other"].pk}
    # The next select says where an empty choice leaves the value (the street itself).
    assert f'data-region-up="{tree_a["street"].pk}"' in html and 'id="id_region_' in html
    assert 'name="' not in html  # the selects post nothing themselves


def test_max_level_stops_the_cascade(tree_a, users, client_for):
    client = client_for(users["street_a"])
    assert option_ids(text(client.get(URL, {"parent": tree_a["community"].pk}))) == {tree_a["grid"].pk}
    # Organizations sit no lower than communities: no grid level, and a grid cannot be a parent.
    assert text(client.get(URL, {"parent": tree_a["community"].pk, "max": "5"})).strip() == ""
    assert client.get(URL, {"parent": tree_a["grid"].pk, "max": "5"}).status_code == 404


def test_cleared_level_returns_nothing(tree_a, users, client_for):
    assert text(client_for(users["street_a"]).get(URL, {"parent": ""})).strip() == ""


def test_parent_outside_the_jurisdiction_is_404(tree_a, users, client_for):
    client = client_for(users["street_a"])
    assert client.get(URL, {"parent": tree_a["street2"].pk}).status_code == 404  # a sibling street
    assert client.get(URL, {"parent": tree_a["district"].pk}).status_code == 404  # above the user's node
    assert client.get(URL, {"selected": tree_a["community2"].pk}).status_code == 404


def test_other_tenant_is_404(tree_a, tree_b, users, client_for):
    client = client_for(users["street_b"])
    for key in ("root", "street", "community"):
        assert client.get(URL, {"parent": tree_a[key].pk}).status_code == 404
        assert client.get(URL, {"selected": tree_a[key].pk}).status_code == 404
    # Tenant B's own tree still answers; the tenant A admin does not see B's nodes either.
    assert option_ids(text(client.get(URL, {"parent": tree_b["street"].pk}))) == {tree_b["community"].pk}
    assert client_for(users["admin_a"]).get(URL, {"parent": tree_b["street"].pk}).status_code == 404


def test_roles_only_narrow(tree_a, users, client_for):
    """The widget sends the roles of its field; a forged list cannot widen the jurisdiction."""
    client = client_for(users["street_a"])
    assert client.get(URL, {"parent": tree_a["street"].pk, "roles": Role.TENANT_ADMIN}).status_code == 404
    assert client.get(URL, {"parent": tree_a["street2"].pk, "roles": "tenant_admin,street_staff"}).status_code == 404
    html = text(client.get(URL, {"parent": tree_a["street"].pk, "roles": "street_staff,nonsense"}))
    assert tree_a["community"].pk in option_ids(html)


@pytest.mark.parametrize("params", [
    {"parent": "abc"}, {"parent": "99999999999999999999"}, {"selected": "-1"}, {"parent": "999999", "max": "x"},
    {"parent": "0x10"}, {"selected": "1.5"},
])
def test_bad_parameters_are_404_not_500(tree_a, users, client_for, params):
    assert client_for(users["admin_a"]).get(URL, params).status_code == 404


def test_anonymous_is_sent_to_login(tree_a, client):
    response = client.get(URL, {"parent": tree_a["street"].pk})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- chain of a chosen node ------------------------------------------------------------------


def test_selected_renders_the_chain(tree_a, users, client_for):
    html = text(client_for(users["admin_a"]).get(URL, {"selected": tree_a["community"].pk, "field": "id_region"}))
    assert f'data-region-chosen="{tree_a["community"].pk}"' in html
    for key in ("root", "district", "street", "community"):
        assert re.search(rf'<option value="{tree_a[key].pk}" selected>', html), key
    # Siblings on each level, and the chosen community's grids as the next level.
    assert {tree_a["street2"].pk, tree_a["community_other"].pk, tree_a["grid"].pk} <= option_ids(html)
    assert tree_a["community2"].pk not in option_ids(html)  # another street's community is not a sibling


# --- search ----------------------------------------------------------------------------------


def test_search_lists_full_paths_inside_the_subtree_only(tree_a, tree_b, users, client_for):
    html = text(client_for(users["street_a"]).get(URL, {"q": "社区", "field": "id_region"}))
    hits = re.findall(r'"selected": (\d+)', html)
    assert {int(pk) for pk in hits} == {tree_a["community"].pk, tree_a["community_other"].pk}
    assert "衡阳市 / 珠晖区 / 广东路街道 / 建设社区" in html
    assert "光明社区" not in html and "株洲" not in html  # another street; another tenant's 建设社区


def test_search_respects_max_level_and_matches_codes(tree_a, users, client_for):
    client = client_for(users["admin_a"])
    html = text(client.get(URL, {"q": "网格", "max": "5"}))
    assert "第一网格" not in html and "No region of that name" in text(client.get(URL, {"q": "网格", "max": "5"},
                                                                              **EN))
    assert f'"selected": {tree_a["street2"].pk}' in text(client.get(URL, {"q": "430405002"}))
    assert text(client.get(URL, {"q": "   "})).strip() == ""
    assert client.get(URL, {"q": "社" * 500}).status_code == 200  # cut to the field's length, no error


# --- query counts at two tree sizes ----------------------------------------------------------


def _add_communities(tree, parent_key="street"):
    state = {"n": 0}

    def make(n):
        with tenant_context(tree["tenant"]):
            for _ in range(n):
                state["n"] += 1
                services.region_create(actor=None, parent=tree[parent_key], level=RegionLevel.COMMUNITY,
                                       code=f"{tree[parent_key].short_code}{500 + state['n']:03d}",
                                       name=f"新建社区{state['n']}")

    return make


def test_children_query_count(tree_a, users, client_for, query_budget):
    client = client_for(users["street_a"])
    query_budget(_add_communities(tree_a), lambda: client.get(URL, {"parent": tree_a["street"].pk}),
                 expected=6, warm=True, rows=lambda response: response.content.count(b"<option"))


def test_search_query_count(tree_a, users, client_for, query_budget):
    client = client_for(users["street_a"])
    query_budget(_add_communities(tree_a), lambda: client.get(URL, {"q": "新建"}), expected=6, warm=True,
                 rows=lambda response: response.content.count(b"data-region-hit"))


def test_chain_query_count(tree_a, users, client_for, query_budget):
    client = client_for(users["admin_a"])
    query_budget(_add_communities(tree_a), lambda: client.get(URL, {"selected": tree_a["community"].pk}),
                 expected=6, warm=True, rows=lambda response: response.content.count(b"<option"))


# --- the field -------------------------------------------------------------------------------


class PlaceForm(forms.Form):
    region = RegionField(label="Region", min_level=RegionLevel.STREET, max_level=RegionLevel.COMMUNITY)

    def __init__(self, *args, user, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].scope(user, roles=roles)


def _errors(tree, user, value, **kwargs) -> list[str]:
    with tenant_context(tree["tenant"]):
        form = PlaceForm({"region": value}, user=user, **kwargs)
        assert not form.is_valid()
        return form.errors["region"]


def test_field_cleans_to_the_region(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        form = PlaceForm({"region": str(tree_a["community"].pk)}, user=users["street_a"])
        assert form.is_valid(), form.errors
        assert form.cleaned_data["region"] == tree_a["community"]


def test_field_errors(tree_a, tree_b, users):
    from django.utils import translation

    with translation.override("en"):
        street_user = users["street_a"]
        assert _errors(tree_a, street_user, "999999") == ["The chosen region does not exist."]
        assert _errors(tree_a, street_user, tree_b["community"].pk) == ["The chosen region does not exist."]
        assert _errors(tree_a, street_user, tree_a["community2"].pk) == [
            "The chosen region is outside your jurisdiction."]
        assert _errors(tree_a, street_user, "abc") == ["Choose a region from the list."]
        assert _errors(tree_a, street_user, "") == ["This field is required."]
        assert _errors(tree_a, users["admin_a"], tree_a["district"].pk) == [
            "Choose a region at one of these levels: Street/Town or Community/Village."]
        assert _errors(tree_a, users["admin_a"], tree_a["grid"].pk)[0].startswith("Choose a region at one")
        # The field's roles narrow the jurisdiction: a grid worker may not register here.
        assert _errors(tree_a, users["admin_a"], tree_a["community"].pk, roles={Role.STREET_STAFF}) == [
            "The chosen region is outside your jurisdiction."]


def test_field_errors_are_translated(tree_a, users):
    from django.utils import translation

    with translation.override("zh-hans"):
        message = _errors(tree_a, users["street_a"], tree_a["community2"].pk)[0]
    assert message != "The chosen region is outside your jurisdiction." and re.search(r"[\u4e00-\u9fff]", message)


def test_unscoped_field_accepts_nothing(tree_a):
    with tenant_context(tree_a["tenant"]):
        form = PlaceForm({"region": tree_a["community"].pk}, user=None)
        assert not form.is_valid()


def test_widget_renders_the_chosen_chain_and_hides_a_forged_value(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        html = str(PlaceForm(initial={"region": tree_a["community"].pk}, user=users["street_a"])["region"])
        assert f'name="region" id="id_region" value="{tree_a["community"].pk}"' in html
        # The street user's chain starts at their street; nothing above it is offered.
        assert re.search(rf'<option value="{tree_a["street"].pk}" selected>', html)
        assert re.search(rf'<option value="{tree_a["community"].pk}" selected>', html)
        assert tree_a["district"].pk not in option_ids(html) and 'id="id_region_top"' in html
        forged = str(PlaceForm({"region": tree_a["community2"].pk}, user=users["street_a"])["region"])
        assert 'name="region" id="id_region" value=""' in forged and tree_a["community2"].pk not in option_ids(forged)


def test_widget_has_no_inline_script(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        html = str(PlaceForm(user=users["admin_a"])["region"])
    assert "<script" not in html and not re.search(r"\son[a-z]+=", html)
