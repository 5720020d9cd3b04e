"""Signing in and out through the browser forms, password change, and lock-out after failures."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from conftest import PASSWORD

NEW_PASSWORD = "Another-Passw0rd#2026"

# Each user's home page names the node of their jurisdiction.
SCOPES = {
    "admin_a": "衡阳市", "street_a": "广东路街道", "street2_a": "东风路街道", "community_a": "建设社区",
    "grid_a": "第一网格", "expert_a": "衡阳市", "org_a": "衡阳市", "party_a": "珠晖区", "auditor_a": "珠晖区",
    "admin_b": "株洲市", "street_b": "月塘街道",
}


def _login(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_login_page_is_chinese_by_default(db, client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert re.search(r'<form method="post"', html)
    assert 'name="username"' in html and 'name="password"' in html
    assert "csrfmiddlewaretoken" in html


def test_login_page_in_english_on_request(db, client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert "Sign in" in response.content.decode()


@pytest.mark.parametrize("username", sorted(SCOPES))
def test_login_with_each_role_lands_on_home(users, username):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD,
                                                "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/", follow=True)  # organization users are sent on to their portal
    assert home.status_code == 200
    html = home.content.decode()
    assert SCOPES[username] in html
    assert username in html  # the signed-in user's name in the navigation
    other_tenant_root = "株洲市" if username.endswith("_a") else "衡阳市"
    assert other_tenant_root not in html


def test_login_without_csrf_token_is_refused(users):
    client = Client(enforce_csrf_checks=True)
    assert _login(client, "street_a").status_code == 403


def test_user_without_role_gets_a_hint(users, client):
    _login(client, "norole_a")
    html = client.get("/").content.decode()
    assert "广东路街道" not in html
    assert not re.search(r'href="/regions/\d+/"', html)
    assert 'class="alert alert-warning"' in html


def test_operator_home_points_to_admin(operator, client):
    assert _login(client, "operator").status_code == 302
    response = client.get("/")
    assert response.status_code == 200
    assert "/admin/" in response.content.decode()


def test_wrong_password_shows_the_form_again(users, client):
    response = _login(client, "street_a", "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_login_refuses_open_redirect(users, client):
    response = client.post("/accounts/login/?next=https://evil.example/",
                           {"username": "street_a", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_follows_local_next(users, client):
    response = client.post("/accounts/login/", {"username": "street_a", "password": PASSWORD,
                                                "next": "/regions/"})
    assert response["Location"] == "/regions/"


def test_signed_in_user_visiting_login_goes_home(users, client_for):
    response = client_for(users["street_a"]).get("/accounts/login/")
    assert response.status_code == 302 and response["Location"] == "/"


def test_inactive_user_cannot_sign_in(users, client):
    user = users["street_a"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = _login(client, "street_a")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def _assert_locked(response):
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]


def test_lockout_after_five_failures(users, client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert _login(client, "street_a", "wrong").status_code == 200
    # The fifth failure locks the username at this address ...
    _assert_locked(_login(client, "street_a", "wrong"))
    # ... so even the right password is refused afterwards.
    response = _login(client, "street_a")
    _assert_locked(response)
    assert "_auth_user_id" not in client.session
    assert "锁定" in response.content.decode() or "locked" in response.content.decode()
    # Another user at the same address, and the same user from another address, are not locked.
    assert _login(Client(), "street2_a").status_code == 302
    assert _login(Client(), "street_a", REMOTE_ADDR="192.0.2.99").status_code == 302


def test_success_before_the_limit_resets_the_counter(users, client):
    for _ in range(4):
        _login(client, "street_a", "wrong")
    assert _login(client, "street_a").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert _login(client, "street_a", "wrong").status_code == 200
    assert _login(client, "street_a").status_code == 302


def test_api_token_lockout(users):
    client = APIClient()
    for _ in range(5):
        response = client.post("/api/v1/auth/token/", {"username": "street_a", "password": "wrong"}, format="json")
        assert response.status_code in (401, 403, 429)
    response = client.post("/api/v1/auth/token/", {"username": "street_a", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    data = response.json()  # the API's error envelope, not the browser's lock-out page
    assert set(data) == {"message", "extra"} and "token" not in data
    assert data["message"] == "登录失败次数过多"
    # The lock-out is shared with the browser form: same username, same address.
    _assert_locked(_login(Client(), "street_a"))


def test_api_token_failures_lock_out_the_form_too(users):
    client = APIClient()
    for _ in range(5):
        client.post("/api/v1/auth/token/", {"username": "street_a", "password": "wrong"}, format="json")
    _assert_locked(_login(Client(), "street_a"))


def test_api_token_endpoint_is_throttled(db, settings):
    client = APIClient()
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth_token"].split("/")[0])
    for _ in range(limit):
        assert client.post("/api/v1/auth/token/", {}, format="json").status_code == 400
    response = client.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 429
    data = response.json()
    assert set(data) == {"message", "extra"}
    assert response["Retry-After"]


def test_logout_by_post(users, client):
    _login(client, "street_a")
    assert client.get("/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # GET must not sign out
    assert client.get("/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_password_change_requires_old_password(users, client):
    _login(client, "street_a")
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert 'name="old_password"' in page.content.decode()

    response = client.post("/accounts/password/", {
        "old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    users["street_a"].refresh_from_db()
    assert users["street_a"].check_password(PASSWORD)

    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors

    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    assert client.get("/accounts/password/done/").status_code == 200
    assert client.get("/").status_code == 200  # the session survives the change

    fresh = Client()
    assert _login(fresh, "street_a", PASSWORD).status_code == 200
    assert _login(fresh, "street_a", NEW_PASSWORD).status_code == 302


def test_password_change_needs_login(db, client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_language_switch(users, client):
    _login(client, "street_a")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.get("/")
    assert response["Content-Language"] == "en"
