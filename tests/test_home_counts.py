"""Issue 7 item 11: every count on a district auditor's home page is scoped to the district."""

from __future__ import annotations

from conftest import make_user
from governance import services
from governance.models import AuditEvent, RegionLevel, Role
from governance.tenancy import tenant_context


def test_a_district_auditors_home_counts_only_the_district(tree_a, users, client_for):
    a = tree_a
    with tenant_context(a["tenant"]):
        # Two events in the district (珠晖区), one at the city root (outside it).
        services.region_update(actor=users["admin_a"], region=a["community"], name="建设社区（改）")
        services.region_update(actor=users["admin_a"], region=a["street2"], name="东风路街道（改）")
        services.region_update(actor=users["admin_a"], region=a["root"], name="衡阳市（改）")
    # A second district with its own staff: active users outside the auditor's district.
    with tenant_context(a["tenant"]):
        other = services.region_create(actor=None, parent=a["root"], level=RegionLevel.DISTRICT, code="430406",
                                       name="雁峰区")
    make_user(a["tenant"], "street_other", Role.STREET_STAFF, other)

    with tenant_context(a["tenant"]):
        everything = AuditEvent.objects.count()
        in_district = AuditEvent.objects.filter(region_path__startswith=a["district"].path).count()
        assert AuditEvent.objects.filter(action="region.update",
                                         region_path__startswith=a["district"].path).count() == 2
    assert 0 < in_district < everything
    context = client_for(users["auditor_a"]).get("/").context
    assert context["audit_today"] == in_district
    # Users holding a role inside 珠晖区: street_a, street2_a, community_a, grid_a, party_a, auditor_a.
    assert context["user_count"] == 6
    admin = client_for(users["admin_a"]).get("/").context
    assert admin["audit_today"] == everything
    assert admin["user_count"] == 11
