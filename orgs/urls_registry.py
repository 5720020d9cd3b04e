"""Registry pages of the staff UI (names are used as ``orgs:<name>``; ``app_name`` is set in orgs/urls.py)."""

from django.urls import path

from orgs.views import registry as views

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("check-code/", views.check_code, name="check-code"),
    path("export.xlsx", views.organization_export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("import/<int:pk>/", views.import_status, name="import-status"),
    path("import/<int:pk>/errors.xlsx", views.import_report, name="import-report"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:pk>/status/", views.organization_status, name="status"),
]
