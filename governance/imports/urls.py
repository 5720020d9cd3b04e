"""Pages of every importer (names are used as ``imports:<name>``)."""

from django.urls import path

from governance.imports import views

app_name = "imports"

urlpatterns = [
    path("jobs/<int:pk>/", views.job_status, name="status"),
    path("jobs/<int:pk>/errors.xlsx", views.job_report, name="report"),
    path("<str:key>/", views.upload, name="upload"),
    path("<str:key>/template.xlsx", views.template, name="template"),
    path("<str:key>/history/", views.history, name="history"),
]
