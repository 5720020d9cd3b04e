"""Inbox pages (names are used as ``notifications:<name>``)."""

from django.urls import path

from governance.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.badge, name="badge"),
    path("read-all/", views.mark_all_read, name="read-all"),
    path("settings/", views.preferences, name="preferences"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("<int:pk>/open/", views.open_notification, name="open"),
]
