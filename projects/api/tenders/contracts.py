"""Service contracts (staff): drawn up from an award, list, detail, signing."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.fields import DecimalStringField, PastDateField
from governance.api.filtering import OrderingChoiceFilter
from governance.api.inputs import InputSerializer
from governance.api.lists import choice_labels, date_out, decimal_out, display
from orgs.models.limits import NOTE_TEXT
from projects import selectors_tenders
from projects.api.filters import YearFilter, YesNoFilter
from projects.api.tenders.common import ERRORS, MONEY, TAGS, StaffFastList
from projects.models import Contract, ContractStatus, TrancheTrigger
from projects.services import contracts as contract_services


class ContractFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number, title or supplier"), max_length=100)
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices, label=_("Status"))
    year = YearFilter(label=_("Start year"))
    renewal = YesNoFilter(label=_("Renewals only"))
    ordering = OrderingChoiceFilter(selectors_tenders.CONTRACT_ORDERINGS, label=_("Sort by"))

    class Meta:
        model = Contract
        fields: list[str] = []


class ContractOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    application = serializers.IntegerField(source="application_id")
    award = serializers.IntegerField(source="award_id", allow_null=True)
    buyer_name = serializers.CharField()
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    amount = serializers.DecimalField(**MONEY)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    continuous_service = serializers.BooleanField()
    prior_contract = serializers.IntegerField(source="prior_contract_id", allow_null=True)
    status = serializers.ChoiceField(choices=ContractStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    signed_on = serializers.DateField(allow_null=True)


class TrancheOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sequence = serializers.IntegerField()
    percentage = serializers.DecimalField(max_digits=5, decimal_places=2)
    amount = serializers.DecimalField(**MONEY)
    due_date = serializers.DateField(allow_null=True)
    trigger = serializers.CharField()
    depends_on = serializers.SerializerMethodField()
    description = serializers.CharField()
    status = serializers.CharField()
    paid_on = serializers.DateField(allow_null=True)

    def get_depends_on(self, obj) -> int | None:
        return obj.depends_on.sequence if obj.depends_on_id else None


class ContractIndicatorSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    unit = serializers.CharField()
    baseline = serializers.DecimalField(max_digits=14, decimal_places=2)
    target = serializers.DecimalField(max_digits=14, decimal_places=2)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    source = serializers.IntegerField(source="source_id", allow_null=True)


class ContractDetailSerializer(ContractOutputSerializer):
    indicators = ContractIndicatorSerializer(many=True)
    tranches = TrancheOutputSerializer(many=True)


CONTRACT_VALUES = ("id", "number", "title", "application_id", "award_id", "buyer_name", "organization_id",
                   "organization__name", "amount", "start_date", "end_date", "continuous_service",
                   "prior_contract_id", "status", "signed_on")


def contract_rows(rows: list[dict]) -> list[dict]:
    statuses = choice_labels(ContractStatus)
    return [{"id": r["id"], "number": r["number"], "title": r["title"], "application": r["application_id"],
             "award": r["award_id"], "buyer_name": r["buyer_name"], "organization": r["organization_id"],
             "organization_name": r["organization__name"], "amount": decimal_out(r["amount"], 2),
             "start_date": date_out(r["start_date"]), "end_date": date_out(r["end_date"]),
             "continuous_service": r["continuous_service"], "prior_contract": r["prior_contract_id"],
             "status": r["status"], "status_display": display(statuses, r["status"]),
             "signed_on": date_out(r["signed_on"])} for r in rows]


def contract_detail(contract) -> dict:
    rows = selectors_tenders.contract_detail_rows(contract)
    data = ContractOutputSerializer(contract).data
    data["indicators"] = ContractIndicatorSerializer(rows["indicators"], many=True).data
    data["tranches"] = TrancheOutputSerializer(rows["tranches"], many=True).data
    return data


class TrancheInputSerializer(InputSerializer):
    percentage = DecimalStringField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    due_date = serializers.DateField(required=False, allow_null=True)
    trigger = serializers.ChoiceField(choices=TrancheTrigger.choices, required=False, allow_blank=True)
    depends_on = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=24)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ContractInputSerializer(InputSerializer):
    number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    buyer_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    continuous_service = serializers.BooleanField(required=False, default=False)
    prior_contract = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_TEXT)
    tranches = TrancheInputSerializer(many=True, max_length=24)


class SignInputSerializer(InputSerializer):
    signed_on = PastDateField(required=False)


@extend_schema(tags=TAGS)
class AwardContractView(APIView):
    @extend_schema(request=ContractInputSerializer, responses={201: ContractDetailSerializer, **ERRORS})
    def post(self, request, pk):
        """Draw up the contract of an award after its standstill period (term per MoF Order 102, tranches
        summing to 100 %, indicators copied from the task book)."""
        award = selectors_tenders.award_get_for_user(user=request.user, pk=pk)
        data = ContractInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        tranches = [dict(row) for row in fields.pop("tranches")]
        if fields.get("prior_contract"):
            fields["prior_contract"] = selectors_tenders.contract_get_for_user(user=request.user,
                                                                               pk=fields["prior_contract"])
        else:
            fields.pop("prior_contract", None)
        contract = contract_services.contract_create(actor=request.user, award=award, tranches=tranches, **fields)
        return Response(contract_detail(contract), status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class ContractListView(StaffFastList):
    """Service contracts of your jurisdiction."""

    model = Contract
    serializer_class = ContractOutputSerializer
    filterset_class = ContractFilter
    list_values = CONTRACT_VALUES
    list_rows = staticmethod(contract_rows)
    selector = staticmethod(selectors_tenders.contract_list)


@extend_schema(tags=TAGS)
class ContractDetailView(APIView):
    @extend_schema(responses={200: ContractDetailSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(contract_detail(selectors_tenders.contract_get_for_user(user=request.user, pk=pk)))


@extend_schema(tags=TAGS)
class ContractSignView(APIView):
    @extend_schema(request=SignInputSerializer, responses={200: ContractDetailSerializer, **ERRORS})
    def post(self, request, pk):
        contract = selectors_tenders.contract_get_for_user(user=request.user, pk=pk)
        data = SignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract_services.contract_sign(actor=request.user, contract=contract,
                                        signed_on=data.validated_data.get("signed_on"))
        return Response(contract_detail(contract))
