"""Staff and expert pages of projects."""

from django.urls import path

from projects.views import applications, experts, programs, reviews

app_name = "projects"
urlpatterns = [
    path("programs/", programs.program_list, name="program-list"),
    path("programs/export/", programs.program_export, name="program-export"),
    path("programs/new/", programs.program_create, name="program-create"),
    path("programs/<int:pk>/", programs.program_detail, name="program-detail"),
    path("programs/<int:pk>/edit/", programs.program_edit, name="program-edit"),
    path("programs/<int:pk>/rank/", programs.program_rank, name="program-rank"),
    path("programs/<int:pk>/transition/", programs.program_transition, name="program-transition"),
    path("templates/", programs.template_list, name="template-list"),
    path("templates/new/", programs.template_create, name="template-create"),
    path("templates/<int:pk>/edit/", programs.template_edit, name="template-edit"),
    path("templates/<int:pk>/copy/", programs.template_copy, name="template-copy"),
    path("applications/", applications.application_list, name="application-list"),
    path("applications/export/", applications.application_export, name="application-export"),
    path("applications/new/", applications.application_create, name="application-create"),
    path("applications/<int:pk>/", applications.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application-edit"),
    path("applications/<int:pk>/submit/", applications.application_submit, name="application-submit"),
    path("applications/<int:pk>/review/", applications.application_start_review, name="application-start-review"),
    path("applications/<int:pk>/decide/", applications.application_decide, name="application-decide"),
    path("applications/<int:pk>/consultation/", applications.application_consultation,
         name="application-consultation"),
    path("experts/", experts.expert_list, name="expert-list"),
    path("experts/export/", experts.expert_export, name="expert-export"),
    path("experts/new/", experts.expert_create, name="expert-create"),
    path("experts/<int:pk>/", experts.expert_detail, name="expert-detail"),
    path("experts/<int:pk>/edit/", experts.expert_edit, name="expert-edit"),
    path("experts/<int:pk>/relations/", experts.expert_relation_add, name="expert-relation-add"),
    path("reviews/", reviews.assignment_list, name="assignment-list"),
    path("reviews/<int:pk>/", reviews.assignment_detail, name="assignment-detail"),
    path("reviews/<int:pk>/recuse/", reviews.assignment_recuse, name="assignment-recuse"),
    path("my/relations/", reviews.my_relations, name="my-relations"),
    path("my/relations/<int:pk>/delete/", reviews.my_relation_delete, name="my-relation-delete"),
]

# Tenders, bids, awards, contracts, risk flags and the organization portal.
from projects.urls_tenders import urlpatterns as tender_urlpatterns  # noqa: E402

urlpatterns += tender_urlpatterns

# Progress reports, spending and tranche releases.
from projects.urls_reports import urlpatterns as report_urlpatterns  # noqa: E402

urlpatterns += report_urlpatterns

# Evaluations: staff list, detail and publication; the organization's published evaluations.
from projects.urls_evaluations import urlpatterns as evaluation_urlpatterns  # noqa: E402

urlpatterns += evaluation_urlpatterns

# Renewal reviews.
from projects.urls_renewals import urlpatterns as renewal_urlpatterns  # noqa: E402

urlpatterns += renewal_urlpatterns

# Attachments of applications.
from projects.views import application_files  # noqa: E402

urlpatterns += [
    path("applications/<int:pk>/attachments/", application_files.attachment_upload, name="application-attachment-add"),
    path("applications/<int:pk>/attachments/<int:attachment_pk>/", application_files.attachment_file,
         name="application-attachment-file"),
    path("applications/<int:pk>/attachments/<int:attachment_pk>/delete/", application_files.attachment_delete,
         name="application-attachment-delete"),
]
