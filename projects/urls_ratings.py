"""Resident satisfaction (namespace ``ratings``): the public short link ``/r/<code>/`` and the staff pages
under ``/projects/ratings/``, and the staff API under ``/api/v1/projects/ratings/``. Included once from ``governance/urls.py``."""

from django.urls import include, path, re_path

from projects.api import ratings as api
from projects.views import ratings

app_name = "ratings"
CODE = r"(?P<code>[A-Za-z2-7]{8})"

urlpatterns = [
    re_path(rf"^r/{CODE}/$", ratings.public_rating, name="public"),
    re_path(rf"^r/{CODE}/thanks/$", ratings.public_thanks, name="thanks"),
    path("projects/ratings/", ratings.survey_list, name="list"),
    path("projects/ratings/export/", ratings.survey_export, name="export"),
    path("projects/ratings/questions/", ratings.default_questions, name="questions"),
    path("projects/ratings/contract/<int:contract_pk>/", ratings.contract_ratings, name="contract"),
    path("projects/ratings/<int:pk>/poster/", ratings.survey_poster, name="poster"),
    path("projects/ratings/<int:pk>/qr.svg", ratings.survey_qr, name="qr"),
    path("projects/ratings/<int:pk>/codes/", ratings.code_list, name="codes"),
    path("projects/ratings/<int:pk>/codes/print/", ratings.code_print, name="codes-print"),
    path("projects/ratings/<int:pk>/codes/export/", ratings.code_export, name="codes-export"),
    path("projects/ratings/<int:pk>/paper/", ratings.paper_entry, name="paper"),
    path("api/v1/", include(api.urlpatterns)),
]
