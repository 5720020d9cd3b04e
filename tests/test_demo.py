"""The demo seed: idempotent, and every printed login works in the browser."""

from django.conf import settings
from django.test import Client

from governance.demo import seed_demo
from governance.models import AuditEvent, Region, RoleAssignment, Tenant, User
from governance.tenancy import all_tenants


def _counts():
    with all_tenants():
        return {
            "tenants": Tenant.objects.count(),
            "regions": Region.objects.count(),
            "users": User.objects.count(),
            "roles": RoleAssignment.objects.count(),
            "audit": AuditEvent.objects.count(),
        }


def test_seed_demo_is_idempotent_and_every_login_works(db):
    logins = seed_demo(communities_per_street=1, grids_per_community=1)
    first = _counts()
    assert first["tenants"] == 2
    assert first["regions"] > 100
    with all_tenants():
        tenants = {t.slug: t for t in Tenant.objects.all()}
        assert set(tenants) == {"hengyang", "zhuzhou"}
        # Each tenant's tree stays under its own root code.
        for slug, prefix in (("hengyang", "4304"), ("zhuzhou", "4302")):
            codes = Region.objects.filter(tenant=tenants[slug]).values_list("code", flat=True)
            assert all(code.startswith(prefix) for code in codes)
        assert Region.objects.filter(level=6).exists()

    again = seed_demo(communities_per_street=1, grids_per_community=1)
    assert _counts() == first
    assert [(x.username, x.role, x.scope) for x in again] == [(x.username, x.role, x.scope) for x in logins]

    usernames = [login.username for login in logins]
    assert len(usernames) == len(set(usernames)) >= 10
    for login in logins:
        client = Client()
        response = client.post("/accounts/login/", {"username": login.username,
                                                    "password": settings.DEMO_PASSWORD})
        assert response.status_code == 302, f"{login.username} cannot sign in"
        home = client.get("/", follow=True)  # organization users are sent on to their portal
        assert home.status_code == 200
        html = home.content.decode()
        if login.username == "admin":
            assert "/admin/" in html  # the platform operator is pointed to the administration
            assert client.get("/admin/governance/region/").status_code == 200
        else:
            assert login.scope in html, f"{login.username}: {login.scope} missing from the home page"
