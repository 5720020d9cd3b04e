"""API of evaluations: the staff list (fast list), detail with the breakdown and the recomputation check, and
publication; the organization portal's published evaluations. Explicit serializers, thin views over
``projects.selectors_evaluations`` and ``projects.services.evaluations``."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied

from governance.api.filtering import IdFilter, OrderingChoiceFilter, SelectorFilterBackend
from governance.api.inputs import InputSerializer
from governance.api.lists import FastListMixin, choice_labels, date_out, datetime_out, decimal_out, display
from governance.api.serializers import ErrorSerializer
from governance.api.views import SchemaSafeMixin
from orgs.permissions import is_org_user
from projects import selectors_evaluations as selectors
from projects.api.filters import YearFilter
from projects.api.objects import ObjectActionView, ObjectDetailView
from projects.models import Evaluation, EvaluationBand, EvaluationKind, EvaluationStatus
from projects.permissions_tenders import can_view_tenders
from projects.services import evaluations as services

ERRORS = {400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}
SCORE = {"max_digits": 5, "decimal_places": 2}
TAGS = ["projects"]


class EvaluationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Contract number, title or organization"), max_length=100)
    contract = IdFilter(label=_("Contract"))
    kind = django_filters.ChoiceFilter(choices=EvaluationKind.choices, label=_("Evaluation kind"))
    band = django_filters.ChoiceFilter(choices=EvaluationBand.choices, label=_("Band"))
    status = django_filters.ChoiceFilter(choices=EvaluationStatus.choices, label=_("Status"))
    year = YearFilter(label=_("Period (year)"))
    ordering = OrderingChoiceFilter(selectors.EVALUATION_ORDERINGS, label=_("Sort by"))

    class Meta:
        model = Evaluation
        fields: list[str] = []


class PortalEvaluationFilter(EvaluationFilter):
    status = None  # published only


class ContractEvaluationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contract = serializers.IntegerField(source="contract_id")
    contract_number = serializers.CharField(source="contract.number")
    contract_title = serializers.CharField(source="contract.title")
    organization = serializers.IntegerField(source="contract.organization_id")
    organization_name = serializers.CharField(source="contract.organization.name")
    kind = serializers.ChoiceField(choices=EvaluationKind.choices)
    kind_display = serializers.CharField(source="get_kind_display")
    period = serializers.DateField()
    status = serializers.ChoiceField(choices=EvaluationStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    score = serializers.DecimalField(**SCORE)
    band = serializers.ChoiceField(choices=EvaluationBand.choices)
    band_display = serializers.CharField(source="get_band_display")
    satisfaction = serializers.DecimalField(**SCORE, allow_null=True)
    ratings = serializers.IntegerField()
    input_hash = serializers.CharField()
    formula_version = serializers.CharField()
    computed_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)


LIST_VALUES = ("id", "contract_id", "contract__number", "contract__title", "contract__organization_id",
               "contract__organization__name", "kind", "period", "status", "score", "band", "satisfaction", "ratings",
               "input_hash", "formula_version", "computed_at", "published_at")


def evaluation_rows(rows: list[dict]) -> list[dict]:
    """``ContractEvaluationSerializer`` for ``.values(*LIST_VALUES)`` rows (a test compares both)."""
    kinds, statuses, bands = choice_labels(EvaluationKind), choice_labels(EvaluationStatus), choice_labels(EvaluationBand)
    return [{"id": r["id"], "contract": r["contract_id"], "contract_number": r["contract__number"],
             "contract_title": r["contract__title"], "organization": r["contract__organization_id"],
             "organization_name": r["contract__organization__name"], "kind": r["kind"],
             "kind_display": display(kinds, r["kind"]), "period": date_out(r["period"]), "status": r["status"],
             "status_display": display(statuses, r["status"]), "score": decimal_out(r["score"], 2),
             "band": r["band"], "band_display": display(bands, r["band"]),
             "satisfaction": decimal_out(r["satisfaction"], 2), "ratings": r["ratings"],
             "input_hash": r["input_hash"], "formula_version": r["formula_version"],
             "computed_at": datetime_out(r["computed_at"]), "published_at": datetime_out(r["published_at"])}
            for r in rows]


class EvaluationIndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    target = serializers.CharField(allow_null=True)
    actual = serializers.CharField(allow_null=True)
    weight = serializers.CharField()
    completion = serializers.CharField()


class EvaluationInputValueSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.CharField(allow_null=True)


class EvaluationComponentSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["indicators", "satisfaction", "spending", "timeliness", "experts"])
    label = serializers.CharField()
    score = serializers.CharField(allow_null=True, help_text=_("0-100; null: no data, left out"))
    weight = serializers.CharField()
    effective_weight = serializers.CharField()
    points = serializers.CharField()
    inputs = EvaluationInputValueSerializer(many=True)
    indicators = EvaluationIndicatorSerializer(many=True)


class EvaluationRecomputedSerializer(serializers.Serializer):
    score = serializers.DecimalField(**SCORE)
    band = serializers.ChoiceField(choices=EvaluationBand.choices)
    input_hash = serializers.CharField()
    identical = serializers.BooleanField()


class ContractEvaluationDetailSerializer(ContractEvaluationSerializer):
    components = EvaluationComponentSerializer(many=True)
    input_snapshot = serializers.JSONField()
    recomputed = EvaluationRecomputedSerializer()


class EvaluationPublishInputSerializer(InputSerializer):
    # Required (may be empty): a POST body is required on this API (governance.api.schema), so a request
    # without one is refused rather than publishing by accident.
    note = serializers.CharField(allow_blank=True, max_length=2000, label=_("Note"))


def _detail(evaluation: Evaluation) -> dict:
    evaluation.components = [{**row, "label": str(row["label"]),
                              "inputs": [{"name": str(name), "value": None if value is None else str(value)}
                                         for name, value in row["inputs"]]}
                             for row in selectors.breakdown_rows(evaluation)]
    evaluation.recomputed = services.evaluation_recompute(evaluation)
    return ContractEvaluationDetailSerializer(evaluation).data


class _EvaluationList(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    model = Evaluation
    serializer_class = ContractEvaluationSerializer
    filter_backends = [SelectorFilterBackend]
    list_values = LIST_VALUES

    def list_rows(self, rows):
        return evaluation_rows(rows)


@extend_schema(tags=TAGS)
class EvaluationListView(_EvaluationList):
    """Mid-term and final evaluations of the contracts in your jurisdiction (awaiting publication and published)."""

    filterset_class = EvaluationFilter

    def get_scoped_queryset(self):
        if not can_view_tenders(self.request.user):
            raise PermissionDenied
        filters = SelectorFilterBackend.cleaned_filters(self.request, self.filterset_class)
        return selectors.evaluation_list(user=self.request.user, filters=filters)


@extend_schema(tags=TAGS)
@extend_schema_view(get=extend_schema(responses={200: ContractEvaluationDetailSerializer, **ERRORS}))
class EvaluationDetailView(ObjectDetailView):
    """One evaluation with its breakdown, input snapshot and the recomputation from the snapshot."""

    get_for_user = staticmethod(selectors.evaluation_get_for_user)
    render = staticmethod(_detail)


@extend_schema(tags=TAGS)
@extend_schema_view(post=extend_schema(request=EvaluationPublishInputSerializer,
                                       responses={200: ContractEvaluationDetailSerializer, **ERRORS}))
class EvaluationPublishView(ObjectActionView):
    """Publish (final: never changes again; the organization is notified and its record updated)."""

    get_for_user = staticmethod(selectors.evaluation_get_for_user)
    render = staticmethod(_detail)
    input_serializer = EvaluationPublishInputSerializer

    def perform(self, request, obj, data):
        services.evaluation_publish(actor=request.user, evaluation=obj, note=data["note"])


# --- organization portal ---------------------------------------------------------------------


def _require_org_user(request) -> None:
    if not is_org_user(request.user):
        raise PermissionDenied


@extend_schema(tags=TAGS)
class PortalEvaluationListView(_EvaluationList):
    """Published evaluations of the organizations you act for."""

    filterset_class = PortalEvaluationFilter

    def get_scoped_queryset(self):
        _require_org_user(self.request)
        filters = SelectorFilterBackend.cleaned_filters(self.request, self.filterset_class)
        return selectors.my_evaluations(user=self.request.user, filters=filters)


@extend_schema(tags=TAGS)
@extend_schema_view(get=extend_schema(responses={200: ContractEvaluationDetailSerializer, **ERRORS}))
class PortalEvaluationDetailView(ObjectDetailView):
    """One published evaluation of your organization, with its breakdown."""

    get_for_user = staticmethod(selectors.my_evaluation_get)
    render = staticmethod(_detail)

    def get_object(self, request, pk):
        _require_org_user(request)
        return super().get_object(request, pk)
