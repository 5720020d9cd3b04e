"""The cascading region picker in the registry: organization form, list filter, filing form."""

from __future__ import annotations

import re

from django.urls import reverse

from governance.models import AuditEvent
from governance.tenancy import tenant_context
from orgs.models import Filing, Organization, OrgKind
from orgs.tests.test_views_registry import count, form_data, make_org
from orgs.tests.views.support import filing_data


def selected(html: str, region) -> bool:
    return re.search(rf'<option value="{region.pk}" selected>', html) is not None


def hidden_value(html: str, name: str = "region") -> str:
    match = re.search(rf'<input type="hidden" name="{name}" id="id_{name}" value="([^"]*)"', html)
    assert match, "no picker input in the page"
    return match.group(1)


def events(tree) -> int:
    with tenant_context(tree["tenant"]):
        return AuditEvent.objects.count()


# --- organization form -------------------------------------------------------------------------


def test_create_page_shows_the_picker_not_the_flat_list(tree_a, users, client_for):
    html = client_for(users["street_a"]).get(reverse("orgs:create")).content.decode()
    assert 'data-region-picker' in html and hidden_value(html) == ""
    assert 'for="id_region_top"' in html and 'id="id_region_top"' in html
    # Only the top of the jurisdiction is rendered; communities come with the next level.
    assert "广东路街道" in html and "建设社区" not in html and "珠晖区" not in html
    assert 'hx-vals="{&quot;field&quot;: &quot;id_region&quot;' in html and "&quot;max&quot;: 5" in html


def test_create_saves_the_picked_region(tree_a, users, client_for):
    client = client_for(users["street_a"])
    before = count(tree_a)
    response = client.post(reverse("orgs:create"), form_data(tree_a, region=str(tree_a["community_other"].pk)))
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        org = Organization.objects.get(name="衡阳市阳光社会工作服务中心")
    assert org.region_id == tree_a["community_other"].pk and count(tree_a) == before + 1
    # A street user may also register at the street itself (the "(this level)" choice).
    response = client.post(reverse("orgs:create"), form_data(tree_a, name="街道级组织", region=tree_a["street"].pk))
    assert response.status_code == 302


def _refused(client, tree, region_value, message):
    before_orgs, before_events = count(tree), events(tree)
    response = client.post(reverse("orgs:create"), form_data(tree, region=region_value))
    html = response.content.decode()
    assert response.status_code == 200 and message in html, html[-2000:]
    assert count(tree) == before_orgs and events(tree) == before_events  # nothing changed
    return html


def test_forged_and_foreign_ids_are_form_errors(tree_a, tree_b, users, client_for):
    client = client_for(users["street_a"])
    html = _refused(client, tree_a, "999999", "所选区划不存在。")
    assert hidden_value(html) == ""  # the forged id is not echoed back into the picker
    _refused(client, tree_a, tree_b["community"].pk, "所选区划不存在。")  # another tenant: not found
    html = _refused(client, tree_a, tree_a["community2"].pk, "所选区划不在您的辖区内。")
    assert "光明社区" not in html
    _refused(client, tree_a, "abc", "请从列表中选择区划。")
    _refused(client_for(users["admin_a"]), tree_a, tree_a["district"].pk, "请选择以下层级的区划")


def test_edit_renders_the_chain_of_the_current_region(tree_a, users, client_for):
    org = make_org(tree_a, users["admin_a"], region_key="community", kind=OrgKind.COMMUNITY_GROUP, uscc=None,
                   filing_number="HY-2024-001")
    client = client_for(users["street_a"])
    html = client.get(reverse("orgs:edit", args=[org.pk])).content.decode()
    assert hidden_value(html) == str(tree_a["community"].pk)
    assert selected(html, tree_a["street"]) and selected(html, tree_a["community"])
    assert "和平社区" in html  # the sibling community, to move the group
    response = client.post(reverse("orgs:edit", args=[org.pk]), form_data(
        tree_a, kind=OrgKind.COMMUNITY_GROUP, uscc="", filing_number="HY-2024-001", name=org.name,
        region=tree_a["community_other"].pk))
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        assert Organization.objects.get(pk=org.pk).region_id == tree_a["community_other"].pk


def test_invalid_form_keeps_the_chosen_chain(tree_a, users, client_for):
    client = client_for(users["street_a"])
    response = client.post(reverse("orgs:create"), form_data(tree_a, name="", region=tree_a["community"].pk))
    html = response.content.decode()
    assert response.status_code == 200 and "is-invalid" in html
    assert hidden_value(html) == str(tree_a["community"].pk)
    assert selected(html, tree_a["street"]) and selected(html, tree_a["community"])


# --- list filter -------------------------------------------------------------------------------


def test_list_filter_keeps_its_parameter_and_renders_the_chain(tree_a, users, client_for):
    admin = users["admin_a"]
    make_org(tree_a, admin, region_key="community", name="甲")
    make_org(tree_a, admin, region_key="community2", name="乙")
    client = client_for(admin)
    response = client.get(reverse("orgs:list"), {"region": tree_a["street2"].pk})
    names = {org.name for org in response.context["page"].object_list}
    html = response.content.decode()
    assert names == {"乙"} and hidden_value(html) == str(tree_a["street2"].pk)
    assert selected(html, tree_a["root"]) and selected(html, tree_a["district"]) and selected(html, tree_a["street2"])
    assert "光明社区" in html and "第一网格" not in html  # communities are offered below, grids are not
    # A forged or foreign id filters nothing away and is not shown.
    response = client.get(reverse("orgs:list"), {"region": "999999"})
    assert {org.name for org in response.context["page"].object_list} == {"甲", "乙"}
    assert hidden_value(response.content.decode()) == ""


def test_filtered_list_query_count(tree_a, users, client_for, query_budget):
    admin = users["admin_a"]
    client = client_for(admin)

    def make_rows(n):
        for index in range(n):
            make_org(tree_a, admin, region_key="community" if index % 2 else "community_other")

    query_budget(make_rows, lambda: client.get(reverse("orgs:list"), {"region": tree_a["street"].pk}),
                 sizes=(4, 30), expected=9, warm=True,
                 rows=lambda response: len(response.context["page"].object_list))


# --- filing form -------------------------------------------------------------------------------


def test_filing_form_uses_the_picker(tree_a, tree_b, users, client_for):
    client = client_for(users["org_a"])  # an organization user: the whole city is open to them
    html = client.get(reverse("orgs:filing-create")).content.decode()
    assert "data-region-picker" in html and "衡阳市" in html and "建设社区" not in html
    response = client.post(reverse("orgs:filing-create"), filing_data(tree_a, region=tree_b["community"].pk))
    assert response.status_code == 200 and "所选区划不存在。" in response.content.decode()
    with tenant_context(tree_a["tenant"]):
        assert not Filing.objects.exists()
    response = client.post(reverse("orgs:filing-create"), filing_data(tree_a, region=tree_a["community2"].pk))
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        assert Filing.objects.get().organization.region_id == tree_a["community2"].pk


def test_locked_region_renders_read_only_and_cannot_be_moved(tree_a, users, client_for):
    """A registered organization's region is the registration authority's: the street sees it, disabled."""
    org = make_org(tree_a, users["admin_a"], region_key="community", kind=OrgKind.SERVICE_INSTITUTION)
    client = client_for(users["street_a"])
    html = client.get(reverse("orgs:edit", args=[org.pk])).content.decode()
    picker = html[html.index("data-region-picker"):html.index("data-region-picker") + 4000]
    assert selected(picker, tree_a["community"]) and "disabled" in picker
    assert 'hx-get="/regions/picker/"' not in html and "data-region-search" not in html
    client.post(reverse("orgs:edit", args=[org.pk]), form_data(
        tree_a, kind=OrgKind.SERVICE_INSTITUTION, uscc=org.uscc, name=org.name, region=tree_a["community_other"].pk))
    with tenant_context(tree_a["tenant"]):
        assert Organization.objects.get(pk=org.pk).region_id == tree_a["community"].pk
