"""Settings of the test run: the project's, plus test-only apps (so production migrations never see them)."""

from governance.settings import *  # noqa: F403
from governance.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.sensitiveapp"]
