"""Content-Security-Policy without inline script, session expiry, the public development key refused
(issue 7, item 5)."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from conftest import PASSWORD
from governance.sessions import LAST_ACTIVITY
from tests.test_settings import _manage, _prod_env

ROOT = Path(__file__).resolve().parent.parent
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_send_a_policy_without_inline_script(users, client_for):
    response = client_for(users["street_a"]).get("/")
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["style-src"] and "'unsafe-eval'" not in str(policy)
    assert policy["frame-ancestors"] == ["'none'"]


def test_login_page_has_the_policy(db, client):
    assert _policy(client.get("/accounts/login/"))["script-src"] == ["'self'"]


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT / "templates").as_posix()
                                        for p in (ROOT / "templates").rglob("*.html")))
def test_no_template_has_inline_script_or_handlers(path):
    source = (ROOT / "templates" / path).read_text()
    assert not INLINE_SCRIPT.search(source), "move the script to static/js/app.js"
    assert not INLINE_HANDLER.search(source), "use an event listener in static/js/app.js"
    assert "javascript:" not in source


def test_rendered_pages_have_no_inline_script(users, client_for):
    client = client_for(users["admin_a"])
    for url in ("/", "/regions/", "/accounts/tokens/", "/accounts/password/", "/orgs/", "/audit/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not INLINE_SCRIPT.search(body), url
        assert not INLINE_HANDLER.search(body), url
    # htmx must not inject its indicator <style> element (style-src has no 'unsafe-inline').
    assert '"includeIndicatorStyles": false' in client.get("/").content.decode()


def test_language_switch_works_without_an_inline_handler(users, client_for):
    body = client_for(users["street_a"]).get("/").content.decode()
    assert re.search(r'<select id="language"[^>]*data-autosubmit', body)
    assert "data-autosubmit" in (ROOT / "static" / "js" / "app.js").read_text()


def test_api_docs_work_under_the_policy(db, client):
    swagger = client.get("/api/docs/")
    assert swagger.status_code == 200
    body = swagger.content.decode()
    assert not INLINE_SCRIPT.search(body)
    policy = _policy(swagger)
    assert policy["script-src"] == ["'self'"] and "'unsafe-inline'" in policy["style-src"]
    # Every script is ours (sidecar files or the split view's start script), none from a CDN.
    sources = re.findall(r'<script[^>]*src="([^"]+)"', body)
    assert sources and all(src.startswith("/") for src in sources), sources
    start = next(src for src in sources if "script" in src and "static" not in src)
    script = client.get(start)
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    for src in sources:
        if src.startswith("/static/"):
            assert client.get(src).status_code == 200, src
    redoc = client.get("/api/redoc/")
    assert redoc.status_code == 200 and not INLINE_SCRIPT.search(redoc.content.decode())
    assert "blob:" in _policy(redoc)["worker-src"] and _policy(redoc)["script-src"] == ["'self'"]


def test_admin_keeps_scripts_strict(users, client_for):
    policy = _policy(client_for(users["admin_a"]).get("/admin/"))
    assert policy["script-src"] == ["'self'"]


# --- sessions ------------------------------------------------------------------------------------


def test_session_cookie_ends_with_the_browser_and_idle_timeout_is_30_minutes(users):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_IDLE_TIMEOUT_MINUTES == 30 and settings.SESSION_COOKIE_AGE == 30 * 60
    client = Client()
    response = client.post("/accounts/login/", {"username": "street_a", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie


def test_idle_session_is_ended(users, client_for, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client = client_for(users["street_a"])
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/regions/").status_code == 302


def test_activity_slides_the_timeout(users, client_for):
    client = client_for(users["street_a"])
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/").status_code == 200
    assert int(time.time()) - client.session[LAST_ACTIVITY] < 5
    # The stored session row is pushed forward too.
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_recent_activity_does_not_rewrite_the_session(users, client_for):
    client = client_for(users["street_a"])
    client.get("/regions/")
    before = client.session[LAST_ACTIVITY]
    client.get("/regions/")
    assert client.session[LAST_ACTIVITY] == before


# --- production secret key ---------------------------------------------------------------------


@pytest.mark.parametrize("key", [
    "dev-insecure-secret-key-change-me-in-production-0123456789",  # the default in settings.py
    "change-me-to-50-or-more-random-characters",  # the placeholder of .env.example
])
def test_production_settings_refuse_the_public_keys(key):
    assert key == settings.DEV_SECRET_KEY or key in (ROOT / ".env.example").read_text()
    result = _manage("check", env=_prod_env(DJANGO_SECRET_KEY=key))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr and "public" in result.stderr
