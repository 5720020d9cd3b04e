"""Every /api/ answer that is not a success is the JSON envelope {"message", "extra"} with a Chinese
message; HTML pages get Chinese 400/403/404/500 pages extending base.html (issue 7, items 6 and 7)."""

import re

import pytest
from django.template import loader
from django.test import Client
from django.urls import path
from rest_framework.exceptions import Throttled
from rest_framework.test import APIClient
from rest_framework.views import APIView

from conftest import PASSWORD
from governance.urls import handler400, handler403, handler404, handler500  # noqa: F401 (used by Django)
from governance.urls import urlpatterns as base_urlpatterns

CJK = re.compile(r"[\u4e00-\u9fff]")


def _envelope(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    data = response.json()
    assert set(data) == {"message", "extra"}, data
    assert isinstance(data["extra"], dict)
    assert CJK.search(data["message"]), f"message not translated: {data['message']!r}"
    return data


# --- a URLconf with views that fail, for the 500 handlers ---------------------------------------


def _boom(request):
    raise RuntimeError("a bug in a plain view")


class _BoomAPI(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request):
        raise RuntimeError("a bug in an API view")


class _ThrottledAPI(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request):
        raise Throttled(wait=42)


urlpatterns = [
    path("api/v1/test-throttled/", _ThrottledAPI.as_view()),
    path("api/v1/test-boom/", _BoomAPI.as_view()),
    path("api/v1/test-plain-boom/", _boom),
    path("test-boom/", _boom),
    *base_urlpatterns,
]


# --- item 6: nesting, size, content type ----------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/auth/token/", "/api/v1/orgs/", "/api/v1/filings/"])
def test_deeply_nested_json_is_a_400_not_a_crash(users, api_for, url):
    client = api_for(users["admin_a"]) if url != "/api/v1/auth/token/" else APIClient()
    response = client.generic("POST", url, "[" * 3000, content_type="application/json")
    data = _envelope(response, 400)
    assert "32" in data["message"]  # the limit is named


def test_nesting_just_over_the_limit_is_refused_and_brackets_in_strings_do_not_count(db):
    client = APIClient()
    deep = '{"username": ' + "[" * 33 + "]" * 33 + ', "password": "x"}'
    _envelope(client.generic("POST", "/api/v1/auth/token/", deep, content_type="application/json"), 400)
    # Brackets inside a string are text: this body is flat and reaches the view (wrong password: 401).
    flat = '{"username": "' + "[" * 3000 + '", "password": "x"}'
    response = client.generic("POST", "/api/v1/auth/token/", flat, content_type="application/json")
    data = _envelope(response, 400)
    assert "username" in data["extra"]["fields"]  # 3000 characters: longer than a username can be


def test_invalid_json_is_a_translated_400(db):
    response = APIClient().generic("POST", "/api/v1/auth/token/", '{"username": ', content_type="application/json")
    data = _envelope(response, 400)
    assert "JSON" in data["message"] and "parse error" not in data["message"]


def test_json_constants_nan_and_infinity_are_refused(db):
    body = '{"username": "a", "password": NaN}'
    _envelope(APIClient().generic("POST", "/api/v1/auth/token/", body, content_type="application/json"), 400)


def test_a_body_over_the_size_limit_is_a_413_envelope(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"username": "' + "a" * 2000 + '", "password": "x"}'
    _envelope(APIClient().generic("POST", "/api/v1/auth/token/", body, content_type="application/json"), 413)


def test_a_form_encoded_body_over_the_size_limit_is_a_400_not_an_english_page(db, settings, client):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/accounts/login/", {"username": "a" * 2000, "password": "x"})
    assert response.status_code == 400
    assert "请求内容过大" in response.content.decode()


def test_form_and_multipart_bodies_are_a_415_envelope(db):
    client = APIClient()
    data = _envelope(client.post("/api/v1/auth/token/", {"username": "a", "password": "b"}, format="multipart"),
                     415)
    assert "JSON" in data["message"]
    _envelope(client.generic("POST", "/api/v1/auth/token/", "username=a&password=b",
                             content_type="application/x-www-form-urlencoded"), 415)


# --- item 7: every status of the API in the envelope ---------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/orgs/abc/", "/api/v1/no-such-endpoint/", "/api/", "/api/v1/regions/x/"])
def test_unknown_api_paths_are_a_404_envelope(users, api_for, url):
    _envelope(api_for(users["admin_a"]).get(url), 404)
    _envelope(APIClient().post(url, {}, format="json"), 404)


def test_missing_object_is_a_404_envelope(users, api_for):
    _envelope(api_for(users["admin_a"]).get("/api/v1/orgs/999999/"), 404)


def test_405_and_401_are_envelopes(users, api_for):
    _envelope(api_for(users["admin_a"]).delete("/api/v1/me/"), 405)
    _envelope(APIClient().get("/api/v1/me/"), 401)


def test_406_for_an_unavailable_format_is_an_envelope(users, api_for):
    response = api_for(users["admin_a"]).get("/api/v1/me/", HTTP_ACCEPT="text/html")
    _envelope(response, 406)


def test_csrf_failure_on_the_api_is_a_translated_403(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["admin_a"])
    response = client.post("/api/v1/orgs/", "{}", content_type="application/json")
    data = _envelope(response, 403)
    assert "CSRF" in data["message"]


@pytest.mark.urls("tests.test_api_errors")
def test_throttled_is_a_429_envelope_with_the_wait(db):
    # A view that is throttled outright: counting real requests would share the cache with other
    # test workers (the token endpoint's throttle itself is tested in test_auth.py).
    data = _envelope(APIClient().get("/api/v1/test-throttled/"), 429)
    assert data["extra"]["wait_seconds"] == 42


@pytest.mark.urls("tests.test_api_errors")
@pytest.mark.parametrize("url", ["/api/v1/test-boom/", "/api/v1/test-plain-boom/"])
def test_api_500_is_an_envelope(db, url):
    client = Client(raise_request_exception=False)
    data = _envelope(client.get(url), 500)
    assert "a bug" not in data["message"]  # no internals leak


# --- HTML pages ---------------------------------------------------------------------------------


def _html_page(response, status, text):
    assert response.status_code == status
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert text in html, html[:500]
    assert 'href="/static/' in html or "bootstrap" in html  # it extends base.html
    assert "Traceback" not in html
    return html


def test_html_404_is_a_chinese_page(users, client_for):
    _html_page(client_for(users["admin_a"]).get("/no-such-page/"), 404, "页面不存在")
    _html_page(Client().get("/static/no-such-file.css"), 404, "页面不存在")


def test_html_403_on_csrf_failure_is_a_chinese_page(db):
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "a", "password": "b"})
    _html_page(response, 403, "无权访问")
    assert "表单已过期" in response.content.decode()


def test_html_400_is_a_chinese_page(db):
    _html_page(Client().get("/accounts/login/", {"next": "\x00"}), 400, "请求有误")


@pytest.mark.urls("tests.test_api_errors")
def test_html_500_is_a_chinese_page(db):
    response = Client(raise_request_exception=False).get("/test-boom/")
    _html_page(response, 500, "服务器错误")


def test_500_template_renders_without_context_processors_or_request():
    from django.utils import translation

    with translation.override("zh-hans"):  # a request would have activated it; here no request exists
        html = loader.get_template("500.html").render({})
    assert "服务器错误" in html and "<html" in html


def test_handler_views_are_wired():
    from django.urls import get_resolver

    resolver = get_resolver()
    assert {code: resolver.resolve_error_handler(code).__module__ for code in (400, 403, 404, 500)} == {
        400: "governance.errors", 403: "governance.errors", 404: "governance.errors", 500: "governance.errors"}


def test_password_is_accepted_by_the_demo_login_form_still(users):
    """The NUL guard reads form posts: an ordinary sign-in is not affected."""
    response = Client().post("/accounts/login/", {"username": "admin_a", "password": PASSWORD})
    assert response.status_code == 302
