"""Tenders (staff): list, open an approved project for bids, detail."""

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
from governance.api.lists import choice_labels, datetime_out, decimal_out, display
from orgs.models.limits import LONG_TEXT
from projects import selectors, selectors_tenders
from projects.api.filters import YearFilter
from projects.api.tenders.common import ERRORS, MONEY, SCORE, TAGS, StaffFastList
from projects.models import Tender, TenderStatus
from projects.services import tenders as services


class TenderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title or OCDS id"), max_length=100)
    status = django_filters.ChoiceFilter(choices=TenderStatus.choices, label=_("Status"))
    year = YearFilter(label=_("Year"))
    ordering = OrderingChoiceFilter(selectors_tenders.TENDER_ORDERINGS, label=_("Sort by"))

    class Meta:
        model = Tender
        fields: list[str] = []


class TenderOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ocid = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=TenderStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    application = serializers.IntegerField(source="application_id")
    region = serializers.IntegerField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    budget_amount = serializers.DecimalField(**MONEY)
    bid_opens = serializers.DateTimeField()
    bid_closes = serializers.DateTimeField()
    price_weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    quality_weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    standstill_days = serializers.IntegerField()


TENDER_VALUES = ("id", "ocid", "title", "status", "application_id", "region_id", "region__name", "budget_amount",
                 "bid_opens", "bid_closes", "price_weight", "quality_weight", "standstill_days")


def tender_rows(rows: list[dict]) -> list[dict]:
    statuses = choice_labels(TenderStatus)
    return [{"id": r["id"], "ocid": r["ocid"], "title": r["title"], "status": r["status"],
             "status_display": display(statuses, r["status"]), "application": r["application_id"],
             "region": r["region_id"], "region_name": r["region__name"],
             "budget_amount": decimal_out(r["budget_amount"], 2), "bid_opens": datetime_out(r["bid_opens"]),
             "bid_closes": datetime_out(r["bid_closes"]), "price_weight": decimal_out(r["price_weight"], 2),
             "quality_weight": decimal_out(r["quality_weight"], 2), "standstill_days": r["standstill_days"]}
            for r in rows]


class TenderInputSerializer(InputSerializer):
    application = serializers.IntegerField(min_value=1)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)
    budget_amount = DecimalStringField(required=False, min_value=0, **MONEY)
    bid_opens = serializers.DateTimeField()
    bid_closes = serializers.DateTimeField()
    price_weight = DecimalStringField(required=False, **SCORE)
    quality_weight = DecimalStringField(required=False, **SCORE)
    standstill_days = serializers.IntegerField(required=False, min_value=0, max_value=60)


@extend_schema(tags=TAGS)
class TenderListView(StaffFastList):
    """Tenders of your jurisdiction (buyer or applying unit); POST opens an approved project for bids."""

    model = Tender
    serializer_class = TenderOutputSerializer
    filterset_class = TenderFilter
    list_values = TENDER_VALUES
    list_rows = staticmethod(tender_rows)
    selector = staticmethod(selectors_tenders.tender_list)

    @extend_schema(request=TenderInputSerializer, responses={201: TenderOutputSerializer, **ERRORS})
    def post(self, request):
        data = TenderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        application = selectors.application_get_for_user(user=request.user, pk=fields.pop("application"))
        tender = services.tender_open(actor=request.user, application=application, **fields)
        return Response(TenderOutputSerializer(tender).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class TenderDetailView(APIView):
    @extend_schema(responses={200: TenderOutputSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(TenderOutputSerializer(selectors_tenders.tender_get_for_user(user=request.user, pk=pk)).data)
