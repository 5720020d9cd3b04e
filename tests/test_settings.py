"""Settings: migrations match the models, production settings pass ``check --deploy`` and refuse to start
without their secrets."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parent.parent


def _prod_env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update({
        "DJANGO_SETTINGS_MODULE": "governance.settings_prod",
        "DJANGO_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
        "DJANGO_ALLOWED_HOSTS": "gov.example.cn,www.gov.example.cn",
        "SENSITIVE_FIELD_KEYS": f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}",
        "SENSITIVE_HASH_KEY": secrets.token_urlsafe(40),
    })
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )


def test_migrations_match_models(db):
    # Exits with status 1 (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_check_deploy_passes_with_production_settings():
    args = ["check", "--deploy", "--fail-level", "WARNING"]
    if os.environ.get("DATABASE_URL"):
        args += ["--database", "default"]  # also runs governance.E001 against the real role
    result = _manage(*args, env=_prod_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output
    assert "no issues" in output


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SENSITIVE_FIELD_KEYS",
                                     "SENSITIVE_HASH_KEY"])
def test_production_settings_refuse_to_load_without_secrets(missing):
    result = _manage("check", env=_prod_env(**{missing: None}))
    assert result.returncode != 0
    assert missing in result.stderr
    assert "ImproperlyConfigured" in result.stderr


@pytest.mark.parametrize(("overrides", "message"), [
    ({"SENSITIVE_FIELD_KEYS": "not-a-fernet-key"}, "SENSITIVE_FIELD_KEYS entry 1 is not a Fernet key"),
    ({"SENSITIVE_HASH_KEY": "short"}, "SENSITIVE_HASH_KEY must be at least 32 characters"),
])
def test_production_settings_refuse_unusable_sensitive_keys(overrides, message):
    result = _manage("check", env=_prod_env(**overrides))
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_are_hardened():
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
        "s.STORAGES['staticfiles']['BACKEND'].endswith('CompressedManifestStaticFilesStorage'))"
    )
    result = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=BASE_DIR,
                            env=_prod_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True"]


def test_embedded_default_needs_no_services():
    # The test run itself uses whatever DATABASE_URL/REDIS_URL says; the defaults are checked in a clean env.
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")
           and not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "governance.settings"
    result = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=BASE_DIR,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "LocMemCache", "True", "zh-hans",
                                     "Asia/Shanghai"]


def test_test_settings_use_the_intended_backends():
    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert engine.endswith("postgresql")
    else:
        assert engine.endswith("sqlite3")
