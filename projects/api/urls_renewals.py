"""Renewal review API under /api/v1/projects/."""

from django.urls import path

from projects.api import renewals as v

urlpatterns = [
    path("projects/renewals/", v.RenewalListView.as_view(), name="api-renewal-list"),
    path("projects/renewals/<int:pk>/", v.RenewalDetailView.as_view(), name="api-renewal-detail"),
    path("projects/renewals/<int:pk>/decide/", v.RenewalDecideView.as_view(), name="api-renewal-decide"),
]
