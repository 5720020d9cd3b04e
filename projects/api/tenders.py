"""API of tenders, bids, awards and contracts (staff), and the organization portal's calls, bids and contracts.

Explicit serializers (OCDS-like names), fast lists (``.values()`` rows), thin views over
``projects.selectors_tenders`` and ``projects.services.tenders`` / ``contracts``.
"""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.filtering import IdFilter, SelectorFilterBackend
from governance.api.lists import FastListMixin, choice_labels, date_out, datetime_out, decimal_out, display
from governance.api.serializers import ErrorSerializer
from governance.api.views import SchemaSafeMixin
from governance.selectors import get_object_for_user_or_404
from orgs import selectors as org_selectors
from orgs.permissions import is_org_user
from projects import permissions_tenders as perms
from projects import selectors, selectors_tenders
from projects.api.filters import YearFilter, YesNoFilter
from projects.models import (
    Award,
    AwardStatus,
    Bid,
    BidStatus,
    BudgetCategory,
    Contract,
    ContractStatus,
    Tender,
    TenderStatus,
    TrancheTrigger,
)
from projects.services import contracts as contract_services
from projects.services import tenders as services

ERRORS = {400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}
MONEY = {"max_digits": 14, "decimal_places": 2}
SCORE = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 100}
TAGS = ["projects"]

# --- filters ---------------------------------------------------------------------------------


class TenderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title or OCDS id"), max_length=100)
    status = django_filters.ChoiceFilter(choices=TenderStatus.choices, label=_("Status"))
    year = YearFilter(label=_("Year"))
    ordering = django_filters.ChoiceFilter(choices=[(o, o) for o in selectors_tenders.TENDER_ORDERINGS],
                                           label=_("Sort by"))

    class Meta:
        model = Tender
        fields: list[str] = []


class BidFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Organization or tender"), max_length=100)
    status = django_filters.ChoiceFilter(choices=BidStatus.choices, label=_("Status"))
    tender = IdFilter(label=_("Tender"))
    ordering = django_filters.ChoiceFilter(choices=[(o, o) for o in selectors_tenders.BID_ORDERINGS],
                                           label=_("Sort by"))

    class Meta:
        model = Bid
        fields: list[str] = []


class AwardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Organization or tender"), max_length=100)
    status = django_filters.ChoiceFilter(choices=AwardStatus.choices, label=_("Status"))
    ordering = django_filters.ChoiceFilter(choices=[(o, o) for o in selectors_tenders.AWARD_ORDERINGS],
                                           label=_("Sort by"))

    class Meta:
        model = Award
        fields: list[str] = []


class ContractFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number, title or supplier"), max_length=100)
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices, label=_("Status"))
    year = YearFilter(label=_("Start year"))
    renewal = YesNoFilter(label=_("Renewals only"))
    ordering = django_filters.ChoiceFilter(choices=[(o, o) for o in selectors_tenders.CONTRACT_ORDERINGS],
                                           label=_("Sort by"))

    class Meta:
        model = Contract
        fields: list[str] = []


# --- output serializers and fast-list rows ---------------------------------------------------


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


class BreakdownSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=BudgetCategory.choices)
    amount = serializers.DecimalField(**MONEY)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)


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


def _contract_detail(contract) -> dict:
    rows = selectors_tenders.contract_detail_rows(contract)
    data = ContractOutputSerializer(contract).data
    data["indicators"] = ContractIndicatorSerializer(rows["indicators"], many=True).data
    data["tranches"] = TrancheOutputSerializer(rows["tranches"], many=True).data
    return data


# --- input serializers -----------------------------------------------------------------------


class TenderInputSerializer(serializers.Serializer):
    application = serializers.IntegerField(min_value=1)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    budget_amount = serializers.DecimalField(required=False, min_value=0, **MONEY)
    bid_opens = serializers.DateTimeField()
    bid_closes = serializers.DateTimeField()
    price_weight = serializers.DecimalField(required=False, **SCORE)
    quality_weight = serializers.DecimalField(required=False, **SCORE)
    standstill_days = serializers.IntegerField(required=False, min_value=0, max_value=60)


class AwardInputSerializer(serializers.Serializer):
    bid = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=4000)


class QualifyInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("valid", "valid"), ("disqualified", "disqualified")])
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class EvaluateInputSerializer(serializers.Serializer):
    quality_score = serializers.DecimalField(**SCORE)
    price_score = serializers.DecimalField(required=False, allow_null=True, **SCORE)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class TrancheInputSerializer(serializers.Serializer):
    percentage = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    due_date = serializers.DateField(required=False, allow_null=True)
    trigger = serializers.ChoiceField(choices=TrancheTrigger.choices, required=False, allow_blank=True)
    depends_on = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=24)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ContractInputSerializer(serializers.Serializer):
    number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    buyer_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    continuous_service = serializers.BooleanField(required=False, default=False)
    prior_contract = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    tranches = TrancheInputSerializer(many=True, max_length=24)


class SignInputSerializer(serializers.Serializer):
    signed_on = serializers.DateField(required=False)


class BidInputSerializer(serializers.Serializer):
    tender = serializers.IntegerField(min_value=1)
    organization = serializers.IntegerField(min_value=1)
    proposal = serializers.CharField(max_length=20000)
    team_size = serializers.IntegerField(min_value=1, max_value=500)
    team_social_workers = serializers.IntegerField(min_value=0, max_value=500)
    team_description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    price = serializers.DecimalField(min_value=0, **MONEY)
    budget_breakdown = BreakdownSerializer(many=True, max_length=50)


class BidUpdateSerializer(serializers.Serializer):
    proposal = serializers.CharField(required=False, max_length=20000)
    team_size = serializers.IntegerField(required=False, min_value=1, max_value=500)
    team_social_workers = serializers.IntegerField(required=False, min_value=0, max_value=500)
    team_description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    price = serializers.DecimalField(required=False, min_value=0, **MONEY)
    budget_breakdown = BreakdownSerializer(many=True, required=False, max_length=50)


class BidWithdrawInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class CallEligibilitySerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    organization_name = serializers.CharField()
    eligible = serializers.BooleanField()
    failures = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))


class CallDetailSerializer(TenderOutputSerializer):
    rules = serializers.ListField(child=serializers.CharField())
    eligibility = CallEligibilitySerializer(many=True)


def _breakdown_out(rows) -> list[dict]:
    return [{**row, "amount": str(row["amount"])} for row in rows]


# --- staff views -----------------------------------------------------------------------------


class _FastList(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    filter_backends = [SelectorFilterBackend]
    selector = None

    def get_scoped_queryset(self):
        if not perms.can_view_tenders(self.request.user):
            raise PermissionDenied
        filters = SelectorFilterBackend.cleaned_filters(self.request, self.filterset_class)
        return type(self).selector(user=self.request.user, filters=filters)


@extend_schema(tags=TAGS)
class TenderListView(_FastList):
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
class BidListView(_FastList):
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
        data["budget_breakdown"] = _breakdown_out(bid.budget_breakdown)
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


class EvaluationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    bid = serializers.IntegerField(source="bid_id")
    quality_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    price_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    total_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    note = serializers.CharField()


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
class AwardListView(_FastList):
    """Awards of the tenders of your jurisdiction."""

    model = Award
    serializer_class = AwardOutputSerializer
    filterset_class = AwardFilter
    list_values = AWARD_VALUES
    list_rows = staticmethod(award_rows)
    selector = staticmethod(selectors_tenders.award_list)


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
        return Response(_contract_detail(contract), status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class ContractListView(_FastList):
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
        return Response(_contract_detail(selectors_tenders.contract_get_for_user(user=request.user, pk=pk)))


@extend_schema(tags=TAGS)
class ContractSignView(APIView):
    @extend_schema(request=SignInputSerializer, responses={200: ContractDetailSerializer, **ERRORS})
    def post(self, request, pk):
        contract = selectors_tenders.contract_get_for_user(user=request.user, pk=pk)
        data = SignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract_services.contract_sign(actor=request.user, contract=contract,
                                        signed_on=data.validated_data.get("signed_on"))
        return Response(_contract_detail(contract))


# --- organization portal ---------------------------------------------------------------------


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
        fields["budget_breakdown"] = _breakdown_out(fields["budget_breakdown"])
        bid = services.bid_submit(actor=request.user, tender=tender, organization=organization, **fields)
        out = BidDetailSerializer(bid).data
        out["budget_breakdown"] = _breakdown_out(bid.budget_breakdown)
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
        out["budget_breakdown"] = _breakdown_out(bid.budget_breakdown)
        return Response(out)

    @extend_schema(request=BidUpdateSerializer, responses={200: BidDetailSerializer, **ERRORS})
    def patch(self, request, pk):
        """Change a pending bid while the window is open."""
        bid = self._bid(request, pk)
        data = BidUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "budget_breakdown" in fields:
            fields["budget_breakdown"] = _breakdown_out(fields["budget_breakdown"])
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

    def get_scoped_queryset(self):
        _require_org_user(self.request)
        return selectors_tenders.my_contracts(user=self.request.user)


@extend_schema(tags=TAGS)
class PortalContractDetailView(APIView):
    @extend_schema(responses={200: ContractDetailSerializer, **ERRORS})
    def get(self, request, pk):
        _require_org_user(request)
        return Response(_contract_detail(selectors_tenders.my_contract_get(user=request.user, pk=pk)))
