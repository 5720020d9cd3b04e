"""Workflow pages (filings, annual reports, grades, credit lists, change requests) and the portal."""

from django.urls import path, re_path

from orgs.views import portal, workflow

urlpatterns = [
    path("filings/", workflow.filing_list, name="filing-list"),
    path("filings/new/", workflow.filing_create, name="filing-create"),
    path("filings/<int:pk>/", workflow.filing_detail, name="filing-detail"),
    path("filings/<int:pk>/transition/", workflow.filing_transition, name="filing-transition"),
    path("campaigns/", workflow.campaign_list, name="campaign-list"),
    path("campaigns/open/", workflow.campaign_open, name="campaign-open"),
    path("reports/", workflow.report_list, name="report-list"),
    path("reports/<int:pk>/", workflow.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", workflow.report_edit, name="report-edit"),
    path("reports/<int:pk>/attachments/", workflow.report_attachment, name="report-attachment"),
    path("reports/<int:pk>/attachments/<int:attachment_pk>/", workflow.report_attachment_download,
         name="report-attachment-download"),
    re_path(r"^reports/(?P<pk>[0-9]+)/(?P<action>submit|return|review)/$", workflow.report_action,
            name="report-action"),
    path("<int:org_pk>/grade/", workflow.grade_award, name="grade-award"),
    path("credit/", workflow.credit_list, name="credit-list"),
    path("<int:org_pk>/credit/new/", workflow.credit_add, name="credit-add"),
    path("credit/<int:pk>/remove/", workflow.credit_remove, name="credit-remove"),
    path("credit/<int:pk>/rectify/", workflow.credit_rectify, name="credit-rectify"),
    path("change-requests/", workflow.change_request_list, name="change-request-list"),
    path("change-requests/<int:pk>/decide/", workflow.change_request_decide, name="change-request-decide"),
    path("portal/", portal.portal, name="portal"),
    path("portal/<int:org_pk>/edit/", portal.portal_edit, name="portal-edit"),
]
