"""A deactivated tenant's users can neither sign in nor keep using a session or a token."""

from conftest import PASSWORD
from governance.models import Tenant


def _deactivate(tenant):
    Tenant.objects.filter(pk=tenant.pk).update(is_active=False)


def test_login_session_and_token_are_refused(client, users, api_for, client_for, tenant_a):
    user = users["street_a"]
    session = client_for(user)
    token_client = api_for(user)
    assert session.get("/").status_code == 200
    _deactivate(tenant_a)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert session.get("/").status_code == 302  # the session no longer restores the user
    response = token_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert set(response.json()) == {"message", "extra"}
    # The other tenant is unaffected.
    assert api_for(users["street_b"]).get("/api/v1/me/").status_code == 200
