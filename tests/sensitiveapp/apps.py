from django.apps import AppConfig


class SensitiveAppConfig(AppConfig):
    """Test-only app (installed by ``tests/settings.py``): the sensitive-field test model."""

    name = "tests.sensitiveapp"
    label = "sensitiveapp"
    default_auto_field = "django.db.models.BigAutoField"
