"""Settings read from the environment, with an embedded default.

No variables → SQLite file under ``var/``, Celery tasks run eagerly in-process, local-memory cache,
DEBUG on. ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` switch to the production services.
``governance.settings_prod`` adds the hardening that ``manage.py check --deploy`` asks for.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
# Public (it is in the source): governance.settings_prod refuses it.
DEV_SECRET_KEY = "dev-insecure-secret-key-change-me-in-production-0123456789"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver,0.0.0.0")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Reverse proxies in front of the web process that append to X-Forwarded-For (0: clients connect directly).
# Only those last hops are trusted for the client IP in audit events.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))

INSTALLED_APPS = [
    "governance.admin_apps.GovernanceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "bootstrap",
    "governance.admin_apps.AxesConfig",  # django-axes, with its admin section in Chinese
    "governance",
    "orgs",
    "projects",
    "grid",
    "party",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "governance.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a parameter: NUL characters get a 400 (PostgreSQL refuses them in text).
    "governance.middleware.RejectNulMiddleware",
    # After the NUL check: it reads the session, whose key comes from a cookie.
    "governance.sessions.SessionIdleTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "governance.middleware.RequestContextMiddleware",
    "governance.middleware.TenantMiddleware",
    # Last, so that a lock-out response is produced after authentication ran.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"
AUTH_USER_MODEL = "governance.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.navigation",
                "governance.notifications.context_processors.inbox",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gov",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gov"}}
# With a shared cache a request reads its session from Redis, not the database (written through to both).
SESSION_ENGINE = ("django.contrib.sessions.backends.cached_db" if REDIS_URL
                  else "django.contrib.sessions.backends.db")
# Seconds a user's roles stay in the cache (governance.role_cache); 0 reads them on every request. Production
# without Redis sets 0: a process-local cache cannot be invalidated in the other workers.
ROLE_CACHE_SECONDS = int(os.environ.get("ROLE_CACHE_SECONDS", "300"))

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or None)
# Without a broker the tasks run in-process, so the demo needs no worker.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not bool(REDIS_URL))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "governance.backends.TenantAwareModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Sessions end when the browser closes, or after this many minutes without a request (sliding;
# governance.sessions).
SESSION_IDLE_TIMEOUT_MINUTES = int(os.environ.get("SESSION_IDLE_TIMEOUT_MINUTES", "30"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username+IP pair after 5 failures for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The API answers a lock-out with its JSON error envelope, the browser with the template above.
AXES_LOCKOUT_CALLABLE = "governance.views.lockout_response"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
# The one client-address rule (trusted-proxy count) of audit events and API throttles.
AXES_CLIENT_IP_CALLABLE = "governance.request_context.client_ip"

# --- Content-Security-Policy (django-csp; governance.csp relaxes styles for the admin and API docs) ---
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # No inline script and no on*= handlers anywhere: behaviour lives in static/js/app.js.
        "script-src": ["'self'"],
        # Style sheets from our origin only; style="" attributes (progress widths) are allowed, <style>
        # elements are not (htmx's are switched off in base.html).
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Open Contracting (OCDS) exports --------------------------------------------------------
# The deployment's registered OCID prefix (https://standard.open-contracting.org/1.1/en/schema/identifiers/).
OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-cgp000")

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Error pages (governance.errors): the CSRF failure page in Chinese, like the 400/403/404/500 handlers.
CSRF_FAILURE_VIEW = "governance.errors.csrf_failure"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Longest query string a page or the API accepts (governance.middleware): longer gets a translated 414.
# gunicorn.conf.py lets gunicorn pass lines up to 1 MB so that this limit, not gunicorn's English 414, applies.
MAX_QUERY_STRING_LENGTH = 16 * 1024

# --- API ------------------------------------------------------------------------------------
# API tokens (governance.models.ApiToken): stored hashed, valid this many days, revocable by their user.
API_TOKEN_EXPIRY_DAYS = int(os.environ.get("API_TOKEN_EXPIRY_DAYS", "30"))
# A user's active tokens beyond this number revoke the oldest (each token request makes a new token).
API_TOKEN_MAX_ACTIVE = int(os.environ.get("API_TOKEN_MAX_ACTIVE", "20"))
# Seconds a token's row (with its user and tenant) stays in the cache (governance.api.token_cache); revoking
# the token or changing the user or tenant drops it at once. 0 looks it up on every request; production
# without Redis sets 0, like ROLE_CACHE_SECONDS.
API_TOKEN_CACHE_SECONDS = int(os.environ.get("API_TOKEN_CACHE_SECONDS", "60"))
# Seconds a whole list response stays in the cache (governance.response_cache), keyed by the tenant's data
# version: any committed write concerning the tenant makes its entries unreachable at once, so this only
# bounds how long a list showing today's date can lag behind the clock. 0 turns it off. PostgreSQL only
# (the version comes from its triggers); a process-local cache is still correct, only less shared.
RESPONSE_CACHE_SECONDS = int(os.environ.get("RESPONSE_CACHE_SECONDS", "300"))
# Bytes of responses each process also keeps in its own memory, in front of the shared cache (0: none).
RESPONSE_CACHE_LOCAL_BYTES = int(os.environ.get("RESPONSE_CACHE_LOCAL_BYTES", str(32 * 1024 * 1024)))
# The data-version statement of a cache look-up is prepared once per database connection; behind a connection
# pooler in transaction mode (pgbouncer) set DATA_VERSION_PREPARED=false.
DATA_VERSION_PREPARED = os.environ.get("DATA_VERSION_PREPARED", "true").lower() in ("1", "true", "yes", "on")
REST_FRAMEWORK = {
    # Token first: DRF answers with the first class's challenge, so a missing or bad token is a 401
    # (re-authenticate) rather than a 403; browser sessions still authenticate when no token is sent.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "governance.api.authentication.TenantTokenAuthentication",
        "governance.api.authentication.CsrfSessionAuthentication",
    ],
    # JSON only, in and out: the OpenAPI document states it and every other body type gets a 415.
    "DEFAULT_PARSER_CLASSES": ["governance.api.parsers.JSONParser"],
    # orjson: the list path spends much of its time encoding JSON (issue 8); same output as DRF's renderer.
    "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "governance.api.filtering.StrictFilterBackend",
        "governance.api.filtering.StrictOrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "governance.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "governance.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"auth_token": os.environ.get("API_TOKEN_THROTTLE", "10/min")},
    # Throttles of governance.api.throttling use governance.request_context.client_ip; DRF's own
    # classes, should one be used, get the same trusted-proxy count.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "社区治理综合管理平台 API",
    "DESCRIPTION": "Community governance platform API (v1). Errors use the envelope "
    '{"message": str, "extra": object}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Documents the error envelope of every status each operation can answer (governance.api.schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "governance.api.schema.document_errors",
    ],
    # Several models have a ``status`` field with different choices: name the enums, so the schema is
    # stable and ``check --deploy`` (which generates it) stays free of warnings.
    "ENUM_NAME_OVERRIDES": {
        "OrgStatusEnum": "orgs.models.OrgStatus",
        "FilingStatusEnum": "orgs.models.FilingStatus",
        "ManualOrgStatusEnum": "orgs.api.serializers.MANUAL_STATUS_CHOICES",
        "FilingTargetStatusEnum": "orgs.api.serializers.FILING_TARGET_CHOICES",
        "TenderStatusEnum": "projects.models.TenderStatus",
        "BidStatusEnum": "projects.models.BidStatus",
        "AwardStatusEnum": "projects.models.AwardStatus",
        "ContractStatusEnum": "projects.models.ContractStatus",
        "ProgramStatusEnum": "projects.models.ProgramStatus",
        "ProgramKindEnum": "projects.models.ProgramKind",
        "ApplicationStatusEnum": "projects.models.ApplicationStatus",
        "AssignmentStatusEnum": "projects.models.AssignmentStatus",
        "IndicatorKindEnum": "projects.models.IndicatorKind",
        "ReportStatusEnum": "projects.models.reports.ReportStatus",
        "ReportKindEnum": "projects.models.reports.ReportKind",
        "EvaluationStatusEnum": "projects.models.EvaluationStatus",
        "EvaluationKindEnum": "projects.models.EvaluationKind",
        "EvaluationBandEnum": "projects.models.EvaluationBand",
        "OrgKindEnum": "orgs.models.OrgKind",
        "RelationKindEnum": "projects.models.RelationKind",
        "RiskKindEnum": "projects.selectors_tenders.RISK_KINDS",
        "RenewalStatusEnum": "projects.models.RenewalStatus",
        "RenewalRecommendationEnum": "projects.models.Recommendation",
        "ServiceDomainEnum": "orgs.models.ServiceDomain",
        "MinGradeEnum": "projects.api.programs.MIN_GRADE_CHOICES",
        "MinLastConclusionEnum": "projects.api.programs.MIN_CONCLUSION_CHOICES",
    },
}

# --- Sensitive fields (governance.sensitive, docs/sensitive-data.md) ----------------------------
# Fernet keys, comma-separated: the first encrypts, every one decrypts (rotation). The HMAC key of the
# lookup hashes is separate. Unset (embedded default): both derived from SECRET_KEY; settings_prod refuses.
SENSITIVE_FIELD_KEYS = env_list("SENSITIVE_FIELD_KEYS")
SENSITIVE_HASH_KEY = os.environ.get("SENSITIVE_HASH_KEY", "")

# --- E-mail (governance.notifications) -------------------------------------------------------
# Without EMAIL_HOST e-mails are printed to the console (the demo and development need no mail server);
# with it they go out over SMTP. Tests use Django's in-memory backend (mail.outbox).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                               else "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# A mail server that does not answer must not hold a worker for minutes.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails point here (scheme and host of the platform as users reach it).
PLATFORM_BASE_URL = os.environ.get("PLATFORM_BASE_URL", "http://localhost:8000")

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Demo password printed by ``manage.py seed_demo`` (only used by the demo data).
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "Demo@2026")

PLATFORM_NAME = _("Community Governance Platform")
