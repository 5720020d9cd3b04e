"""Registry API under /api/v1/."""

from django.urls import path

from orgs.api import views

urlpatterns = [
    path("orgs/", views.OrganizationListCreateView.as_view(), name="api-org-list"),
    path("orgs/stats/", views.OrganizationStatsView.as_view(), name="api-org-stats"),
    path("orgs/<int:pk>/", views.OrganizationDetailView.as_view(), name="api-org-detail"),
    path("orgs/<int:pk>/status/", views.OrganizationStatusView.as_view(), name="api-org-status"),
    path("orgs/<int:pk>/inspections/", views.InspectionListView.as_view(), name="api-org-inspections"),
    path("orgs/<int:pk>/inspections/<int:report_id>/", views.InspectionDetailView.as_view(),
         name="api-org-inspection"),
    path("orgs/<int:pk>/inspections/<int:report_id>/submit/",
         views.InspectionActionView.as_view(action_name="submit"), name="api-org-inspection-submit"),
    path("orgs/<int:pk>/inspections/<int:report_id>/return/",
         views.InspectionActionView.as_view(action_name="return"), name="api-org-inspection-return"),
    path("orgs/<int:pk>/inspections/<int:report_id>/review/",
         views.InspectionActionView.as_view(action_name="review"), name="api-org-inspection-review"),
    path("orgs/<int:pk>/grades/", views.GradeListView.as_view(), name="api-org-grades"),
    path("orgs/<int:pk>/credit-records/", views.CreditRecordListView.as_view(), name="api-org-credit"),
    path("orgs/<int:pk>/credit-exit-applications/", views.CreditExitListView.as_view(), name="api-org-credit-exit"),
    path("credit-exit-applications/<int:pk>/decide/", views.CreditExitDecideView.as_view(),
         name="api-credit-exit-decide"),
    path("filings/", views.FilingListCreateView.as_view(), name="api-filing-list"),
    path("filings/<int:pk>/transition/", views.FilingTransitionView.as_view(), name="api-filing-transition"),
]
