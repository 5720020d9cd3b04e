from django.urls import path

from governance.api import views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("regions/", views.RegionListView.as_view(), name="api-region-list"),
    path("regions/<int:pk>/", views.RegionDetailView.as_view(), name="api-region-detail"),
]
