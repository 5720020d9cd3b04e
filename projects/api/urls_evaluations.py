"""Evaluation API under /api/v1/projects/."""

from django.urls import path

from projects.api import evaluations as v

urlpatterns = [
    path("projects/evaluations/", v.EvaluationListView.as_view(), name="api-evaluation-list"),
    path("projects/evaluations/<int:pk>/", v.EvaluationDetailView.as_view(), name="api-evaluation-detail"),
    path("projects/evaluations/<int:pk>/publish/", v.EvaluationPublishView.as_view(), name="api-evaluation-publish"),
    path("projects/portal/evaluations/", v.PortalEvaluationListView.as_view(), name="api-portal-evaluation-list"),
    path("projects/portal/evaluations/<int:pk>/", v.PortalEvaluationDetailView.as_view(),
         name="api-portal-evaluation-detail"),
]
