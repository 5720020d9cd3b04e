"""Bids (staff): list, detail, qualification after the window."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.filtering import IdFilter, OrderingChoiceFilter
from governance.api.inputs import InputSerializer
from governance.api.lists import choice_labels, datetime_out, decimal_out, display
from orgs.models.limits import NOTE_TEXT
from projects import selectors_tenders
from projects.api.tenders.common import ERRORS, MONEY, TAGS, BreakdownSerializer, StaffFastList, breakdown_out
from projects.models import Bid, BidStatus
from projects.services import tenders as services


class BidFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Organization or tender"), max_length=100)
    status = django_filters.ChoiceFilter(choices=BidStatus.choices, label=_("Status"))
    tender = IdFilter(label=_("Tender"))
    ordering = OrderingChoiceFilter(selectors_tenders.BID_ORDERINGS, label=_("Sort by"))

    class Meta:
        model = Bid
        fields: list[str] = []


class BidOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tender = serializers.IntegerField(source="tender_id")
    tender_title = serializers.CharField(source="tender.title")
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    status = serializers.ChoiceField(choices=BidStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    status_reason = serializers.CharField()
    price = serializers.DecimalField(**MONEY)
    team_size = serializers.IntegerField()
    team_social_workers = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()


class BidDetailSerializer(BidOutputSerializer):
    proposal = serializers.CharField()
    team_description = serializers.CharField()
    budget_breakdown = BreakdownSerializer(many=True)


BID_VALUES = ("id", "tender_id", "tender__title", "organization_id", "organization__name", "status", "status_reason",
              "price", "team_size", "team_social_workers", "submitted_at")


def bid_rows(rows: list[dict]) -> list[dict]:
    statuses = choice_labels(BidStatus)
    return [{"id": r["id"], "tender": r["tender_id"], "tender_title": r["tender__title"],
             "organization": r["organization_id"], "organization_name": r["organization__name"],
             "status": r["status"], "status_display": display(statuses, r["status"]),
             "status_reason": r["status_reason"], "price": decimal_out(r["price"], 2), "team_size": r["team_size"],
             "team_social_workers": r["team_social_workers"], "submitted_at": datetime_out(r["submitted_at"])}
            for r in rows]


class QualifyInputSerializer(InputSerializer):
    decision = serializers.ChoiceField(choices=[("valid", "valid"), ("disqualified", "disqualified")])
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_TEXT, default="")


@extend_schema(tags=TAGS)
class BidListView(StaffFastList):
    """Bids of the tenders of your jurisdiction."""

    model = Bid
    serializer_class = BidOutputSerializer
    filterset_class = BidFilter
    list_values = BID_VALUES
    list_rows = staticmethod(bid_rows)
    selector = staticmethod(selectors_tenders.bid_list)


@extend_schema(tags=TAGS)
class BidDetailView(APIView):
    @extend_schema(responses={200: BidDetailSerializer, **ERRORS})
    def get(self, request, pk):
        bid = selectors_tenders.bid_get_for_user(user=request.user, pk=pk)
        data = BidDetailSerializer(bid).data
        data["budget_breakdown"] = breakdown_out(bid.budget_breakdown)
        return Response(data)


@extend_schema(tags=TAGS)
class BidQualifyView(APIView):
    @extend_schema(request=QualifyInputSerializer, responses={200: BidOutputSerializer, **ERRORS})
    def post(self, request, pk):
        """Valid (the organization is still eligible) or disqualified with a reason, after the window."""
        bid = selectors_tenders.bid_get_for_user(user=request.user, pk=pk)
        data = QualifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.bid_qualify(actor=request.user, bid=bid, valid=data.validated_data["decision"] == "valid",
                             note=data.validated_data["note"])
        return Response(BidOutputSerializer(bid).data)
