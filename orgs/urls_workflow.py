"""Workflow pages (filings, annual reports, grades, credit lists, change requests) and the portal."""

from django.urls import path, re_path

from orgs.views import campaigns, certificates, change_requests, credit, filings, grades, portal, reports

urlpatterns = [
    path("filings/", filings.filing_list, name="filing-list"),
    path("filings/export.xlsx", filings.filing_export, name="filing-export"),
    path("filings/new/", filings.filing_create, name="filing-create"),
    path("filings/<int:pk>/", filings.filing_detail, name="filing-detail"),
    path("filings/<int:pk>/transition/", filings.filing_transition, name="filing-transition"),
    path("campaigns/", campaigns.campaign_list, name="campaign-list"),
    path("campaigns/export.xlsx", campaigns.campaign_export, name="campaign-export"),
    path("campaigns/open/", campaigns.campaign_open, name="campaign-open"),
    path("reports/", reports.report_list, name="report-list"),
    path("reports/export.xlsx", reports.report_export, name="report-export"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report-edit"),
    path("reports/<int:pk>/attachments/", reports.report_attachment, name="report-attachment"),
    path("reports/<int:pk>/attachments/<int:attachment_pk>/", reports.report_attachment_download,
         name="report-attachment-download"),
    re_path(r"^reports/(?P<pk>[0-9]+)/(?P<action>submit|return|review)/$", reports.report_action,
            name="report-action"),
    path("<int:org_pk>/grade/", grades.grade_award, name="grade-award"),
    path("credit/", credit.credit_list, name="credit-list"),
    path("credit/export.xlsx", credit.credit_export, name="credit-export"),
    path("<int:org_pk>/credit/new/", credit.credit_add, name="credit-add"),
    path("credit/<int:pk>/remove/", credit.credit_remove, name="credit-remove"),
    path("credit/<int:pk>/rectify/", credit.credit_rectify, name="credit-rectify"),
    path("change-requests/", change_requests.change_request_list, name="change-request-list"),
    path("change-requests/export.xlsx", change_requests.change_request_export, name="change-request-export"),
    path("change-requests/<int:pk>/decide/", change_requests.change_request_decide, name="change-request-decide"),
    path("<int:org_pk>/certificate/", certificates.certificate, name="certificate"),
    path("certificate/verify/<str:token>/", certificates.certificate_verify, name="certificate-verify"),
    path("portal/", portal.portal, name="portal"),
    path("portal/<int:org_pk>/edit/", portal.portal_edit, name="portal-edit"),
]
