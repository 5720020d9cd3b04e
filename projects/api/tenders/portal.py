"""The organization portal: open calls with eligibility explained, own bids (submit, change, withdraw)
and own contracts."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.fields import DecimalStringField
from governance.api.inputs import InputSerializer
from governance.api.lists import FastListMixin
from governance.api.views import SchemaSafeMixin
from governance.selectors import get_object_for_user_or_404
from orgs import selectors as org_selectors
from orgs.models.limits import LONG_TEXT, NOTE_TEXT
from orgs.permissions import is_org_user
from projects import selectors_tenders
from projects.api.tenders.bids import BID_VALUES, BidDetailSerializer, BidOutputSerializer, bid_rows
from projects.api.tenders.common import ERRORS, MONEY, TAGS, BreakdownSerializer, breakdown_out
from projects.api.tenders.contracts import (
    CONTRACT_VALUES,
    ContractDetailSerializer,
    ContractOutputSerializer,
    contract_detail,
    contract_rows,
)
from projects.api.tenders.tenders import TENDER_VALUES, TenderOutputSerializer, tender_rows
from projects.models import Bid, Contract, Tender
from projects.services import tenders as services


class CallEligibilitySerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    organization_name = serializers.CharField()
    eligible = serializers.BooleanField()
    failures = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))


class CallDetailSerializer(TenderOutputSerializer):
    rules = serializers.ListField(child=serializers.CharField())
    eligibility = CallEligibilitySerializer(many=True)


class BidInputSerializer(InputSerializer):
    tender = serializers.IntegerField(min_value=1)
    organization = serializers.IntegerField(min_value=1)
    proposal = serializers.CharField(max_length=LONG_TEXT)
    team_size = serializers.IntegerField(min_value=1, max_value=500)
    team_social_workers = serializers.IntegerField(min_value=0, max_value=500)
    team_description = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_TEXT)
    price = DecimalStringField(min_value=0, **MONEY)
    budget_breakdown = BreakdownSerializer(many=True, max_length=50)


class BidUpdateSerializer(InputSerializer):
    proposal = serializers.CharField(required=False, max_length=LONG_TEXT)
    team_size = serializers.IntegerField(required=False, min_value=1, max_value=500)
    team_social_workers = serializers.IntegerField(required=False, min_value=0, max_value=500)
    team_description = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_TEXT)
    price = DecimalStringField(required=False, min_value=0, **MONEY)
    budget_breakdown = BreakdownSerializer(many=True, required=False, max_length=50)


class BidWithdrawInputSerializer(InputSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_TEXT, default="")


def _require_org_user(request) -> None:
    if not is_org_user(request.user):
        raise PermissionDenied


@extend_schema(tags=TAGS)
class PortalCallListView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    """Calls open for bids now (organization users)."""

    model = Tender
    serializer_class = TenderOutputSerializer
    list_values = TENDER_VALUES
    list_rows = staticmethod(tender_rows)
    ordering_fields = ["bid_closes", "budget_amount", "title"]

    def get_scoped_queryset(self):
        _require_org_user(self.request)
        return selectors_tenders.open_calls(user=self.request.user)


@extend_schema(tags=TAGS)
class PortalCallDetailView(APIView):
    @extend_schema(responses={200: CallDetailSerializer, **ERRORS})
    def get(self, request, pk):
        """The call with its eligibility rules, and for each of your organizations whether it is eligible and why."""
        _require_org_user(request)
        from projects.services import eligibility_many, program_rules

        tender = selectors_tenders.open_call_get(user=request.user, pk=pk)
        program = tender.application.program
        organizations = list(org_selectors.portal_organizations(user=request.user))
        failures = eligibility_many(program=program, organization_ids=[o.pk for o in organizations],
                                    on_date=timezone.localdate())
        data = TenderOutputSerializer(tender).data
        data["rules"] = program_rules(program)
        data["eligibility"] = [{"organization": o.pk, "organization_name": o.name,
                                "eligible": not failures.get(o.pk),
                                "failures": [{"rule": f.rule, "message": f.message} for f in failures.get(o.pk, [])]}
                               for o in organizations]
        return Response(data)


@extend_schema(tags=TAGS)
class PortalBidListView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    """Bids of the organizations you act for; POST submits one."""

    model = Bid
    serializer_class = BidOutputSerializer
    list_values = BID_VALUES
    list_rows = staticmethod(bid_rows)
    ordering_fields = ["submitted_at", "price"]

    def get_scoped_queryset(self):
        _require_org_user(self.request)
        return selectors_tenders.my_bids(user=self.request.user)

    @extend_schema(request=BidInputSerializer, responses={201: BidDetailSerializer, **ERRORS})
    def post(self, request):
        _require_org_user(request)
        data = BidInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        tender = selectors_tenders.open_call_get(user=request.user, pk=fields.pop("tender"))
        organization = get_object_for_user_or_404(org_selectors.portal_organizations(user=request.user),
                                                  pk=fields.pop("organization"))
        fields["budget_breakdown"] = breakdown_out(fields["budget_breakdown"])
        bid = services.bid_submit(actor=request.user, tender=tender, organization=organization, **fields)
        out = BidDetailSerializer(bid).data
        out["budget_breakdown"] = breakdown_out(bid.budget_breakdown)
        return Response(out, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class PortalBidDetailView(APIView):
    def _bid(self, request, pk):
        _require_org_user(request)
        return selectors_tenders.my_bid_get(user=request.user, pk=pk)

    @extend_schema(responses={200: BidDetailSerializer, **ERRORS})
    def get(self, request, pk):
        bid = self._bid(request, pk)
        out = BidDetailSerializer(bid).data
        out["budget_breakdown"] = breakdown_out(bid.budget_breakdown)
        return Response(out)

    @extend_schema(request=BidUpdateSerializer, responses={200: BidDetailSerializer, **ERRORS})
    def patch(self, request, pk):
        """Change a pending bid while the window is open."""
        bid = self._bid(request, pk)
        data = BidUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "budget_breakdown" in fields:
            fields["budget_breakdown"] = breakdown_out(fields["budget_breakdown"])
        services.bid_update(actor=request.user, bid=bid, **fields)
        return self.get(request, pk)


@extend_schema(tags=TAGS)
class PortalBidWithdrawView(APIView):
    @extend_schema(request=BidWithdrawInputSerializer, responses={200: BidOutputSerializer, **ERRORS})
    def post(self, request, pk):
        _require_org_user(request)
        bid = selectors_tenders.my_bid_get(user=request.user, pk=pk)
        data = BidWithdrawInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.bid_withdraw(actor=request.user, bid=bid, note=data.validated_data["note"])
        return Response(BidOutputSerializer(bid).data)


@extend_schema(tags=TAGS)
class PortalContractListView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    """Contracts of the organizations you act for."""

    model = Contract
    serializer_class = ContractOutputSerializer
    list_values = CONTRACT_VALUES
    list_rows = staticmethod(contract_rows)
    ordering_fields = ["start_date", "end_date", "amount", "number"]

    def get_scoped_queryset(self):
        _require_org_user(self.request)
        return selectors_tenders.my_contracts(user=self.request.user)


@extend_schema(tags=TAGS)
class PortalContractDetailView(APIView):
    @extend_schema(responses={200: ContractDetailSerializer, **ERRORS})
    def get(self, request, pk):
        _require_org_user(request)
        return Response(contract_detail(selectors_tenders.my_contract_get(user=request.user, pk=pk)))
