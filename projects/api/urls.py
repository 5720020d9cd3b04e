"""Project API under /api/v1/projects/."""

from django.urls import path

from projects.api import programs, relations, views

urlpatterns = [
    path("projects/programs/", programs.ProgramListView.as_view(), name="api-program-list"),
    path("projects/programs/<int:pk>/", programs.ProgramDetailView.as_view(), name="api-program-detail"),
    path("projects/programs/<int:pk>/transition/", programs.ProgramTransitionView.as_view(),
         name="api-program-transition"),
    path("projects/templates/", programs.TemplateListView.as_view(), name="api-template-list"),
    path("projects/templates/<int:pk>/", programs.TemplateDetailView.as_view(), name="api-template-detail"),
    path("projects/applications/<int:pk>/consultation/", programs.ApplicationConsultationView.as_view(),
         name="api-application-consultation"),
    path("projects/programs/<int:pk>/eligibility/", views.ProgramEligibilityView.as_view(),
         name="api-program-eligibility"),
    path("projects/programs/<int:pk>/rank/", views.ProgramRankView.as_view(), name="api-program-rank"),
    path("projects/applications/", views.ApplicationListView.as_view(), name="api-application-list"),
    path("projects/applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="api-application-detail"),
    path("projects/applications/<int:pk>/submit/", views.ApplicationSubmitView.as_view(),
         name="api-application-submit"),
    path("projects/applications/<int:pk>/start-review/", views.ApplicationStartReviewView.as_view(),
         name="api-application-start-review"),
    path("projects/applications/<int:pk>/decide/", views.ApplicationDecideView.as_view(),
         name="api-application-decide"),
    path("projects/experts/", programs.ExpertListView.as_view(), name="api-expert-list"),
    path("projects/experts/<int:pk>/", programs.ExpertDetailView.as_view(), name="api-expert-detail"),
    path("projects/experts/<int:pk>/relations/", relations.ExpertRelationListView.as_view(),
         name="api-expert-relation-list"),
    path("projects/my/relations/", relations.MyRelationListView.as_view(), name="api-my-relation-list"),
    path("projects/my/relations/<int:pk>/", relations.MyRelationDetailView.as_view(), name="api-my-relation-detail"),
    path("projects/reviews/", views.AssignmentListView.as_view(), name="api-assignment-list"),
    path("projects/reviews/<int:pk>/", views.AssignmentDetailView.as_view(), name="api-assignment-detail"),
    path("projects/reviews/<int:pk>/scores/", views.AssignmentScoresView.as_view(), name="api-assignment-scores"),
    path("projects/reviews/<int:pk>/recuse/", views.AssignmentRecuseView.as_view(), name="api-assignment-recuse"),
]

# Tenders, bids, awards, contracts and the organization portal.
from projects.api.urls_tenders import urlpatterns as tender_urlpatterns  # noqa: E402

urlpatterns += tender_urlpatterns

# Progress reports, spending and tranche releases.
from projects.api.urls_reports import urlpatterns as report_urlpatterns  # noqa: E402

urlpatterns += report_urlpatterns

# Evaluations: staff list, detail and publication; the organization's published evaluations.
from projects.api.urls_evaluations import urlpatterns as evaluation_urlpatterns  # noqa: E402

urlpatterns += evaluation_urlpatterns

# Renewal reviews.
from projects.api.urls_renewals import urlpatterns as renewal_urlpatterns  # noqa: E402

urlpatterns += renewal_urlpatterns

# Attachments of applications.
from projects.api import application_files as files  # noqa: E402

urlpatterns += [
    path("projects/applications/<int:pk>/attachments/", files.ApplicationAttachmentListView.as_view(),
         name="api-application-attachment-list"),
    path("projects/applications/<int:pk>/attachments/<int:attachment_pk>/",
         files.ApplicationAttachmentDetailView.as_view(), name="api-application-attachment-detail"),
    path("projects/applications/<int:pk>/attachments/<int:attachment_pk>/file/",
         files.ApplicationAttachmentFileView.as_view(), name="api-application-attachment-file"),
]
