"""Staff API of resident satisfaction: surveys of your jurisdiction, results per period, one-time codes.

Thin views over ``projects.selectors_ratings`` and ``projects.services.ratings``; a survey outside the
user's tenant or jurisdiction is a 404 like a missing one. Mounted under /api/v1/ by ``projects.urls_ratings``.
"""

from __future__ import annotations

import django_filters
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.filtering import IdFilter, SelectorFilterBackend
from governance.api.inputs import InputSerializer
from governance.api.lists import FastListMixin, date_out, datetime_out, decimal_out
from governance.api.serializers import ErrorSerializer
from governance.api.views import SchemaSafeMixin
from governance.exceptions import ApplicationError
from projects import permissions_ratings as perms
from projects import selectors_ratings as selectors
from projects.models.ratings import LABEL_TEXT, RatingCode, RatingSurvey
from projects.services import ratings as services

ERRORS = {400: ErrorSerializer, 404: ErrorSerializer}
PERIOD_PATTERN = r"^(20[0-9]{2}|2100)(-(0[1-9]|1[0-2]|[Qq][1-4]))?$"
TAGS = ["projects"]


class SurveyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Contract number, title or organization"), max_length=100)
    # Not named after the model's boolean: the schema would then call it a boolean with "0"/"1" values.
    state = django_filters.ChoiceFilter(choices=[("open", _("Open")), ("closed", _("Closed"))], label=_("Status"),
                                        method="_state")

    class Meta:
        model = RatingSurvey
        fields: list[str] = []

    def _state(self, queryset, name, value):
        return queryset  # applied by the selector


class CodeFilter(django_filters.FilterSet):
    used = django_filters.ChoiceFilter(choices=[("1", _("Used")), ("0", _("Unused"))], label=_("Used"))
    batch = IdFilter(label=_("Batch"))

    class Meta:
        model = RatingCode
        fields: list[str] = []


class SurveyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contract_id = serializers.IntegerField()
    contract_number = serializers.CharField()
    contract_title = serializers.CharField()
    organization = serializers.CharField()
    code = serializers.CharField(help_text="Short code of the public page /r/<code>/")
    is_open = serializers.BooleanField()
    allow_open_answers = serializers.BooleanField()
    responses = serializers.IntegerField()
    mean_stars = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    last_rated = serializers.DateField(allow_null=True)


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    count = serializers.IntegerField()
    mean = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)


class PeriodResultSerializer(serializers.Serializer):
    period = serializers.CharField()
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True, help_text="Exclusive")
    responses = serializers.IntegerField()
    paper = serializers.IntegerField()
    answers = serializers.IntegerField()
    mean = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    satisfied_share = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True,
                                               help_text="Percent of answers with 4 or 5 stars")
    questions = QuestionResultSerializer(many=True)
    distribution = serializers.DictField(child=serializers.IntegerField(), help_text="Answers per star, '1'..'5'")


class ResultsOutputSerializer(serializers.Serializer):
    survey = serializers.IntegerField()
    contract = serializers.IntegerField()
    periods = PeriodResultSerializer(many=True)


class CodeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    batch = serializers.IntegerField()
    label = serializers.CharField()
    created_at = serializers.DateTimeField()
    used_at = serializers.DateTimeField(allow_null=True)


class CodeBatchOutputSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    codes = CodeOutputSerializer(many=True)


class CodeBatchInputSerializer(InputSerializer):
    count = serializers.IntegerField(min_value=1, max_value=services.MAX_CODES_PER_BATCH)
    label = serializers.CharField(max_length=LABEL_TEXT, required=False, allow_blank=True, default="")


def _result(item) -> dict:
    data = item.as_dict()
    data["mean"] = decimal_out(data["mean"], 2)
    data["satisfied_share"] = decimal_out(data["satisfied_share"], 2)
    for question in data["questions"]:
        question["mean"] = decimal_out(question["mean"], 2)
    return data


@extend_schema(tags=TAGS)
class SurveyListView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    """Rating surveys of the contracts of your jurisdiction, with their response count and mean stars."""

    model = RatingSurvey
    serializer_class = SurveyOutputSerializer
    filterset_class = SurveyFilter
    filter_backends = [SelectorFilterBackend]
    list_values = ("id", "contract_id", "contract__number", "contract__title", "contract__organization__name",
                   "code", "is_open", "allow_open_answers", "response_count", "mean_stars", "last_rated")

    def get_scoped_queryset(self):
        if not perms.can_view_ratings(self.request.user):
            raise PermissionDenied
        filters = SelectorFilterBackend.cleaned_filters(self.request, self.filterset_class)
        state = filters.pop("state", "")
        filters["is_open"] = {"open": "1", "closed": "0"}.get(state, "")
        return selectors.survey_list(user=self.request.user, filters=filters)

    def list_rows(self, rows):
        return [{"id": r["id"], "contract_id": r["contract_id"], "contract_number": r["contract__number"],
                 "contract_title": r["contract__title"], "organization": r["contract__organization__name"],
                 "code": r["code"], "is_open": r["is_open"], "allow_open_answers": r["allow_open_answers"],
                 "responses": r["response_count"],
                 "mean_stars": None if r["mean_stars"] is None else f"{r['mean_stars']:.2f}",
                 "last_rated": date_out(r["last_rated"])} for r in rows]


@extend_schema(tags=TAGS)
class SurveyResultsView(APIView):
    @extend_schema(parameters=[
        OpenApiParameter("by", str, enum=list(selectors.GRANULARITIES), description="month (default) or quarter"),
        OpenApiParameter("period", str, pattern=PERIOD_PATTERN,
                         description="One period only: 2026-03, 2026-Q1 or 2026")],
        responses={200: ResultsOutputSerializer, **ERRORS})
    def get(self, request, pk):
        """Results per month or quarter (count, mean per question, overall mean, distribution), or one period."""
        survey = selectors.survey_get_for_user(user=request.user, pk=pk)
        by = request.query_params.get("by", "month")
        if by not in selectors.GRANULARITIES:
            raise ApplicationError(_("“by” is month or quarter."))
        if "period" in request.query_params:
            periods = [selectors.contract_satisfaction(survey.contract, request.query_params["period"][:10])]
        else:
            periods = selectors.satisfaction_by_period(survey, by)
        return Response({"survey": survey.pk, "contract": survey.contract_id,
                         "periods": [_result(item) for item in periods]})


@extend_schema(tags=TAGS)
class CodeListView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    """One-time codes of a survey; POST generates a batch."""

    model = RatingCode
    serializer_class = CodeOutputSerializer
    filterset_class = CodeFilter
    filter_backends = [SelectorFilterBackend]
    list_values = ("id", "code", "batch", "label", "created_at", "used_at")

    def _survey(self):
        survey = selectors.survey_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        if not perms.can_collect_ratings(self.request.user, survey.contract):
            raise PermissionDenied
        return survey

    def get_scoped_queryset(self):
        filters = SelectorFilterBackend.cleaned_filters(self.request, self.filterset_class)
        return selectors.code_list(survey=self._survey(), filters={k: str(v) for k, v in filters.items()})

    def list_rows(self, rows):
        return [{"id": r["id"], "code": r["code"], "batch": r["batch"], "label": r["label"],
                 "created_at": datetime_out(r["created_at"]), "used_at": datetime_out(r["used_at"])} for r in rows]

    @extend_schema(request=CodeBatchInputSerializer, responses={201: CodeBatchOutputSerializer, **ERRORS})
    def post(self, request, pk):
        survey = self._survey()
        data = CodeBatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = services.codes_generate(actor=request.user, survey=survey, **data.validated_data)
        return Response({"batch": rows[0].batch,
                         "codes": [{"id": r.pk, "code": r.code, "batch": r.batch, "label": r.label,
                                    "created_at": datetime_out(r.created_at), "used_at": None} for r in rows]},
                        status=status.HTTP_201_CREATED)


urlpatterns = [
    path("projects/ratings/", SurveyListView.as_view(), name="api-survey-list"),
    path("projects/ratings/<int:pk>/results/", SurveyResultsView.as_view(), name="api-survey-results"),
    path("projects/ratings/<int:pk>/codes/", CodeListView.as_view(), name="api-code-list"),
]
