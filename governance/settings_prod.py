"""Production settings: the environment must provide the secrets and hosts.

Required: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, SENSITIVE_FIELD_KEYS, SENSITIVE_HASH_KEY (docs/sensitive-data.md),
DATABASE_URL (PostgreSQL, connecting as a role without SUPERUSER/BYPASSRLS), REDIS_URL. HTTPS is assumed to terminate at or before the web process.
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_DEBUG", "false")

from .sensitive.keys import validate_key_settings  # noqa: E402
from .settings import *  # noqa: E402,F403
from .settings import env_bool  # noqa: E402

for _name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SENSITIVE_FIELD_KEYS", "SENSITIVE_HASH_KEY"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"{_name} must be set for production settings")
# The development key is in the source and the placeholder in .env.example: neither is a secret.
if SECRET_KEY == DEV_SECRET_KEY or "change-me" in SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is the public development key or the .env.example placeholder; "
        "set 50 or more random characters"
    )
# Personal data must not be encrypted with the development keys derived from SECRET_KEY.
validate_key_settings(SENSITIVE_FIELD_KEYS, SENSITIVE_HASH_KEY)  # noqa: F405

DEBUG = False
if not REDIS_URL:  # noqa: F405
    # Each worker's cache is its own: a revoked role or token must not live on in another one.
    ROLE_CACHE_SECONDS = 0
    API_TOKEN_CACHE_SECONDS = 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = False
