"""Progress report pages (staff under /projects/reports/, the organization's under /projects/portal/reports/)."""

from django.urls import path

from projects.views import reports

urlpatterns = [
    path("reports/", reports.report_list, name="report-list"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/evidence/<int:evidence_pk>/", reports.report_evidence_file, name="report-evidence-file"),
    path("reports/<int:pk>/review/", reports.report_review, name="report-review"),
    path("contracts/<int:pk>/reports/", reports.contract_reports, name="contract-reports"),
    path("contracts/<int:pk>/reports/schedule/", reports.contract_schedule, name="contract-schedule"),
    path("contracts/<int:pk>/tranches/<int:tranche_pk>/release/", reports.tranche_release, name="tranche-release"),
    path("portal/reports/", reports.portal_reports, name="portal-reports"),
    path("portal/reports/<int:pk>/", reports.portal_report, name="portal-report"),
    path("portal/reports/<int:pk>/evidence/", reports.portal_report_evidence, name="portal-report-evidence"),
    path("portal/reports/<int:pk>/evidence/<int:evidence_pk>/", reports.portal_report_evidence_file,
         name="portal-report-evidence-file"),
]
