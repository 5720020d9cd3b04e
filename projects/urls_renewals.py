"""Renewal review pages (staff, under /projects/renewals/)."""

from django.urls import path

from projects.views import renewals

urlpatterns = [
    path("renewals/", renewals.renewal_list, name="renewal-list"),
    path("renewals/export/", renewals.renewal_export, name="renewal-export"),
    path("renewals/<int:pk>/", renewals.renewal_detail, name="renewal-detail"),
    path("renewals/<int:pk>/decide/", renewals.renewal_decide, name="renewal-decide"),
]
