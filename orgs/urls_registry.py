"""Registry pages of the staff UI (names are used as ``orgs:<name>``; ``app_name`` is set in orgs/urls.py).

Imports run on the core pages (governance.imports); ``import`` and ``import-template`` are those pages
for the organization importer.
"""

from django.urls import path

from governance.imports import views as import_views
from orgs.importing import IMPORTER_KEY
from orgs.views import registry as views
from orgs.views import settings as settings_views

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("check-code/", views.check_code, name="check-code"),
    path("export.xlsx", views.organization_export, name="export"),
    # The core's import pages for this importer, under the registry's own (menu) URLs.
    path("import/", import_views.upload, {"key": IMPORTER_KEY}, name="import"),
    path("import/template.xlsx", import_views.template, {"key": IMPORTER_KEY}, name="import-template"),
    path("settings/", settings_views.registry_settings, name="registry-settings"),
    path("settings/preview/", settings_views.registry_settings_preview, name="registry-settings-preview"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:pk>/status/", views.organization_status, name="status"),
]
