"""Progress report, spending and tranche release API under /api/v1/projects/."""

from django.urls import path

from projects.api import reports as v

urlpatterns = [
    path("projects/reports/", v.ReportListView.as_view(), name="api-report-list"),
    path("projects/reports/<int:pk>/", v.ReportDetailView.as_view(), name="api-report-detail"),
    path("projects/reports/<int:pk>/review/", v.ReportReviewView.as_view(), name="api-report-review"),
    path("projects/contracts/<int:pk>/reports/schedule/", v.ContractScheduleView.as_view(),
         name="api-contract-schedule"),
    path("projects/contracts/<int:pk>/spending/", v.ContractSpendingView.as_view(), name="api-contract-spending"),
    path("projects/contracts/<int:pk>/tranches/<int:tranche_pk>/release/", v.TrancheReleaseView.as_view(),
         name="api-tranche-release"),
    path("projects/portal/reports/", v.PortalReportListView.as_view(), name="api-portal-report-list"),
    path("projects/portal/reports/<int:pk>/", v.PortalReportDetailView.as_view(), name="api-portal-report-detail"),
    path("projects/portal/reports/<int:pk>/submit/", v.PortalReportSubmitView.as_view(),
         name="api-portal-report-submit"),
]
