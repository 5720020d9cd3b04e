"""Evaluation pages (staff under /projects/evaluations/, the organization's under /projects/portal/evaluations/)."""

from django.urls import path

from projects.views import evaluations

urlpatterns = [
    path("evaluations/", evaluations.evaluation_list, name="evaluation-list"),
    path("evaluations/export/", evaluations.evaluation_export, name="evaluation-export"),
    path("evaluations/<int:pk>/", evaluations.evaluation_detail, name="evaluation-detail"),
    path("evaluations/<int:pk>/publish/", evaluations.evaluation_publish, name="evaluation-publish"),
    path("portal/evaluations/", evaluations.portal_evaluations, name="portal-evaluations"),
    path("portal/evaluations/<int:pk>/", evaluations.portal_evaluation, name="portal-evaluation"),
]
