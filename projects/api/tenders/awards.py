"""Bid evaluations and awards (staff): price and quality scores, the award with its reason, the list."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.fields import DecimalStringField
from governance.api.filtering import OrderingChoiceFilter
from governance.api.inputs import InputSerializer
from governance.api.lists import choice_labels, date_out, datetime_out, decimal_out, display
from governance.selectors import get_object_for_user_or_404
from orgs.models.limits import NOTE_TEXT
from projects import selectors_tenders
from projects.api.tenders.common import ERRORS, MONEY, SCORE, TAGS, StaffFastList
from projects.models import Award, AwardStatus, Bid
from projects.services import tenders as services


class AwardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Organization or tender"), max_length=100)
    status = django_filters.ChoiceFilter(choices=AwardStatus.choices, label=_("Status"))
    ordering = OrderingChoiceFilter(selectors_tenders.AWARD_ORDERINGS, label=_("Sort by"))

    class Meta:
        model = Award
        fields: list[str] = []


class AwardOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tender = serializers.IntegerField(source="tender_id")
    bid = serializers.IntegerField(source="bid_id")
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    status = serializers.ChoiceField(choices=AwardStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    amount = serializers.DecimalField(**MONEY)
    reason = serializers.CharField()
    standstill_ends = serializers.DateField()
    decided_at = serializers.DateTimeField()


AWARD_VALUES = ("id", "tender_id", "bid_id", "organization_id", "organization__name", "status", "amount", "reason",
                "standstill_ends", "decided_at")


def award_rows(rows: list[dict]) -> list[dict]:
    statuses = choice_labels(AwardStatus)
    return [{"id": r["id"], "tender": r["tender_id"], "bid": r["bid_id"], "organization": r["organization_id"],
             "organization_name": r["organization__name"], "status": r["status"],
             "status_display": display(statuses, r["status"]), "amount": decimal_out(r["amount"], 2),
             "reason": r["reason"], "standstill_ends": date_out(r["standstill_ends"]),
             "decided_at": datetime_out(r["decided_at"])} for r in rows]


class AwardInputSerializer(InputSerializer):
    bid = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=NOTE_TEXT)


class EvaluateInputSerializer(InputSerializer):
    quality_score = DecimalStringField(**SCORE)
    price_score = DecimalStringField(required=False, allow_null=True, **SCORE)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_TEXT, default="")


class EvaluationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    bid = serializers.IntegerField(source="bid_id")
    quality_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    price_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    total_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    note = serializers.CharField()


@extend_schema(tags=TAGS)
class TenderAwardView(APIView):
    @extend_schema(request=AwardInputSerializer, responses={201: AwardOutputSerializer, **ERRORS})
    def post(self, request, pk):
        """Award the tender to a valid, evaluated bid of a still eligible organization, with a reason."""
        tender = selectors_tenders.tender_get_for_user(user=request.user, pk=pk)
        data = AwardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = get_object_for_user_or_404(Bid.objects.filter(tender=tender).select_related("organization"),
                                         pk=data.validated_data["bid"])
        award = services.tender_award(actor=request.user, tender=tender, bid=bid,
                                      reason=data.validated_data["reason"])
        return Response(AwardOutputSerializer(award).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class BidEvaluateView(APIView):
    @extend_schema(request=EvaluateInputSerializer, responses={200: EvaluationOutputSerializer, **ERRORS})
    def post(self, request, pk):
        """Your quality score of a valid bid; the price score follows the lowest-price method unless given."""
        bid = selectors_tenders.bid_get_for_user(user=request.user, pk=pk)
        data = EvaluateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = services.bid_evaluate(actor=request.user, bid=bid,
                                           quality_score=data.validated_data["quality_score"],
                                           price_score_value=data.validated_data.get("price_score"),
                                           note=data.validated_data["note"])
        return Response(EvaluationOutputSerializer(evaluation).data)


@extend_schema(tags=TAGS)
class AwardListView(StaffFastList):
    """Awards of the tenders of your jurisdiction."""

    model = Award
    serializer_class = AwardOutputSerializer
    filterset_class = AwardFilter
    list_values = AWARD_VALUES
    list_rows = staticmethod(award_rows)
    selector = staticmethod(selectors_tenders.award_list)
