"""Settings of the test run: the project's, plus test-only apps (so production migrations never see them)."""

import os

from governance.settings import *  # noqa: F403
from governance.settings import CACHES, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.sensitiveapp"]

# Parallel workers share one Redis database: each keeps its own keys (throttle counters, caches), and the
# root conftest clears only those between tests.
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    CACHES["default"]["KEY_PREFIX"] = f"gov-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"

# Exact query budgets measure a list's own queries: the response cache is off unless a test turns it on
# (tests/test_response_cache.py).
RESPONSE_CACHE_SECONDS = 0
# Sessions in the database on both passes (production reads them from Redis when it has one): page budgets
# count the session's look-up, so the same number holds on SQLite and on PostgreSQL + Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
