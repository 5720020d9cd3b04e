"""Fixtures of the foundation suite (the shared ones live in the root conftest.py)."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2 at Django's default work factor costs ~0.5 s per user; the fixtures create a dozen.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
