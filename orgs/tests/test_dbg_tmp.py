from orgs.tests.test_views_workflow import *  # noqa

def test_dbg(tree_a, users, client_for, member_org):
    with tenant_context(tree_a["tenant"]):
        filing = FilingFactory(region=tree_a["community"])
    community = client_for(users["community_a"])
    response = transition(community, filing, FilingStatus.REJECTED, "名称与已备案组织重复")
    import re
    print(re.findall(r'alert-[a-z]+ alert-dismissible[^>]*>\s*([^<]*)', body(response)))
    new = _change_request(tree_a, member_org, users["org_a"], legal_representative="赵六")
    decide = reverse("orgs:change-request-decide", args=[new.pk])
    r = client_for(users["org_a"]).post(decide, {"decision": "approve"}, **EN)
    print(r.status_code, r.content[:300])
    assert 0
