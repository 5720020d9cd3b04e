"""One client-address rule for audit, login lock-out and API throttling (issue 7, item 2).

``governance.request_context.client_ip`` believes only the X-Forwarded-For entries appended by the
``TRUSTED_PROXY_COUNT`` proxies in front of the app. django-axes and the DRF throttles use it, and
lock-out is by username and address together.
"""

import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from conftest import PASSWORD
from governance.request_context import client_ip

TOKEN_URL = "/api/v1/auth/token/"


def _token(client, username, password, **extra):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json", **extra)


def _login(username, password, **extra):
    return Client().post("/accounts/login/", {"username": username, "password": password}, **extra)


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "6.6.6.6", "198.51.100.4"),
    (1, "6.6.6.6, 192.0.2.10", "192.0.2.10"),
    (2, "6.6.6.6, 192.0.2.10, 10.0.0.2", "192.0.2.10"),
    (1, "", "198.51.100.4"),  # a request that bypassed the proxy: its socket address
    (1, "not-an-ip", None),
])
def test_client_ip_rule(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_axes_and_throttles_use_the_one_rule(settings):
    from axes.helpers import get_client_ip_address

    from governance.api.throttling import ScopedRateThrottle

    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert get_client_ip_address(request) == client_ip(request) == "203.0.113.5"
    assert ScopedRateThrottle().get_ident(request) == "203.0.113.5"


def test_forged_forwarded_for_does_not_escape_the_token_throttle(db, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth_token"].split("/")[0])
    client = APIClient()
    statuses = [
        client.post(TOKEN_URL, {}, format="json", REMOTE_ADDR="198.51.100.4",
                    HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(limit + 1)
    ]
    assert statuses == [400] * limit + [429]


def test_behind_a_proxy_each_client_has_its_own_throttle(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth_token"].split("/")[0])
    client = APIClient()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(limit):
        client.post(TOKEN_URL, {}, format="json", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert client.post(TOKEN_URL, {}, format="json", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 429
    # Another client behind the same proxy is not throttled with it; forging a first hop does not help.
    assert client.post(TOKEN_URL, {}, format="json", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 400
    assert client.post(TOKEN_URL, {}, format="json", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5",
                       **proxy).status_code == 429


def test_behind_a_proxy_failures_of_one_client_do_not_lock_the_username_for_another(users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    victim = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for _ in range(5):
        assert _login("street_a", "wrong", **attacker).status_code in (200, 429)
    # The attacker's address is locked for this username, even with the right password ...
    assert _login("street_a", PASSWORD, **attacker).status_code == 429
    assert _token(APIClient(), "street_a", PASSWORD, **attacker).status_code == 429
    # ... while the real user, behind the same proxy, signs in on the web and gets a token.
    assert _login("street_a", PASSWORD, **victim).status_code == 302
    assert _token(APIClient(), "street_a", PASSWORD, **victim).status_code == 200


def test_lock_out_is_by_username_and_address(users, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for _ in range(5):
        _token(APIClient(), "street_a", "wrong", REMOTE_ADDR="203.0.113.5")
    assert _token(APIClient(), "street_a", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 429
    # Other usernames from that address, and the username from elsewhere, are not locked.
    assert _token(APIClient(), "street2_a", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 200
    assert _token(APIClient(), "street_a", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 200
    # A forged header without a trusted proxy does not move the attacker to a fresh address.
    assert _token(APIClient(), "street_a", PASSWORD, REMOTE_ADDR="203.0.113.5",
                  HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
