"""The demo runs with DEBUG off (a newcomer never sees Django's debug page) and still serves its CSS and
JS: ``scripts/dev.sh demo`` collects the static files, whitenoise serves them (issue 7, item 7)."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def test_dev_sh_demo_turns_debug_off_and_collects_static_files():
    script = (ROOT / "scripts" / "dev.sh").read_text(encoding="utf-8")
    demo = script[script.index("  demo)"):script.index("  test)")]
    assert "DJANGO_DEBUG=${DJANGO_DEBUG:-false}" in demo
    assert demo.index("manage.py collectstatic") < demo.index("manage.py runserver")


@pytest.fixture
def production_static(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        # Hashed names as in production, without the (slow) compression step.
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings


def test_pages_load_their_css_and_js_with_debug_off(db, production_static, users):
    client = Client()
    client.force_login(users["admin_a"])
    for url in ("/accounts/password/", "/", "/no-such-page/"):
        response = client.get(url, follow=True)
        html = response.content.decode()
        assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
        assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets), url
        for asset in assets:
            served = client.get(asset)
            assert served.status_code == 200, asset
            b"".join(served.streaming_content) if hasattr(served, "streaming_content") else served.content
    assert "页面不存在" in client.get("/no-such-page/").content.decode()
