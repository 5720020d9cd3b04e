from django.urls import path

from governance.api import views
from governance.notifications import api as notifications

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("regions/", views.RegionListView.as_view(), name="api-region-list"),
    path("regions/<int:pk>/", views.RegionDetailView.as_view(), name="api-region-detail"),
    path("notifications/", notifications.NotificationListView.as_view(), name="api-notification-list"),
    path("notifications/unread-count/", notifications.NotificationUnreadCountView.as_view(),
         name="api-notification-unread-count"),
    path("notifications/read-all/", notifications.NotificationReadAllView.as_view(), name="api-notification-read-all"),
    path("notifications/<int:pk>/read/", notifications.NotificationReadView.as_view(), name="api-notification-read"),
]
