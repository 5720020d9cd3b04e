"""API of renewal reviews (staff): list, detail with the recommendation's reasons, and the decision.
Explicit serializers, thin views over ``projects.selectors_renewals`` and ``projects.services.renewals``."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from governance.api.filtering import OrderingChoiceFilter
from governance.api.inputs import InputSerializer
from governance.api.lists import choice_labels, date_out, datetime_out, decimal_out, display
from projects import selectors_renewals
from projects.api.objects import ObjectActionView, ObjectDetailView
from projects.api.tenders.common import ERRORS, MONEY, TAGS, StaffFastList
from projects.models.renewals import Recommendation, RenewalReview, RenewalStatus
from projects.services import renewals as services


class RenewalFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number, title or supplier"), max_length=100)
    status = django_filters.ChoiceFilter(choices=RenewalStatus.choices, label=_("Status"))
    recommendation = django_filters.ChoiceFilter(choices=Recommendation.choices, label=_("Recommendation"))
    ordering = OrderingChoiceFilter(selectors_renewals.RENEWAL_ORDERINGS, label=_("Sort by"))

    class Meta:
        model = RenewalReview
        fields: list[str] = []


class RenewalOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contract = serializers.IntegerField(source="contract_id")
    contract_number = serializers.CharField(source="contract.number")
    contract_title = serializers.CharField(source="contract.title")
    organization = serializers.IntegerField(source="contract.organization_id")
    organization_name = serializers.CharField(source="contract.organization.name")
    amount = serializers.DecimalField(source="contract.amount", **MONEY)
    end_date = serializers.DateField(source="contract.end_date")
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    recommendation_display = serializers.CharField(source="get_recommendation_display")
    status = serializers.ChoiceField(choices=RenewalStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    computed_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class ReasonSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    text = serializers.CharField()


class RenewalDetailSerializer(RenewalOutputSerializer):
    reasons = ReasonSerializer(many=True, source="reason_rows")
    evaluation = serializers.IntegerField(source="evaluation_id", allow_null=True)
    conditions = serializers.CharField()
    decision_note = serializers.CharField()
    next_contract = serializers.IntegerField(source="next_contract_id", allow_null=True)
    new_tender = serializers.IntegerField(source="new_tender_id", allow_null=True)


class RenewalDecisionInputSerializer(InputSerializer):
    decision = serializers.ChoiceField(choices=[(d.value, d.label) for d in services.DECISIONS])
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    bid_opens = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                          help_text=_("To re-tender: the new bid window."))
    bid_closes = serializers.DateTimeField(required=False, allow_null=True, default=None)


RENEWAL_VALUES = ("id", "contract_id", "contract__number", "contract__title", "contract__organization_id",
                  "contract__organization__name", "contract__amount", "contract__end_date", "recommendation",
                  "status", "computed_at", "decided_at")


def renewal_rows(rows: list[dict]) -> list[dict]:
    recommendations, statuses = choice_labels(Recommendation), choice_labels(RenewalStatus)
    return [{"id": r["id"], "contract": r["contract_id"], "contract_number": r["contract__number"],
             "contract_title": r["contract__title"], "organization": r["contract__organization_id"],
             "organization_name": r["contract__organization__name"],
             "amount": decimal_out(r["contract__amount"], 2), "end_date": date_out(r["contract__end_date"]),
             "recommendation": r["recommendation"],
             "recommendation_display": display(recommendations, r["recommendation"]),
             "status": r["status"], "status_display": display(statuses, r["status"]),
             "computed_at": datetime_out(r["computed_at"]), "decided_at": datetime_out(r["decided_at"])}
            for r in rows]


def renewal_detail(review: RenewalReview) -> dict:
    review.reason_rows = services.reason_texts(review.reasons)
    return RenewalDetailSerializer(review).data


@extend_schema(tags=TAGS)
class RenewalListView(StaffFastList):
    """Renewal reviews of the contracts in your jurisdiction."""

    model = RenewalReview
    serializer_class = RenewalOutputSerializer
    filterset_class = RenewalFilter
    list_values = RENEWAL_VALUES
    list_rows = staticmethod(renewal_rows)
    selector = staticmethod(selectors_renewals.renewal_list)


@extend_schema(tags=TAGS)
@extend_schema_view(get=extend_schema(responses={200: RenewalDetailSerializer, **ERRORS}))
class RenewalDetailView(ObjectDetailView):
    get_for_user = staticmethod(selectors_renewals.renewal_get_for_user)
    render = staticmethod(renewal_detail)


@extend_schema(tags=TAGS)
@extend_schema_view(post=extend_schema(request=RenewalDecisionInputSerializer,
                                       responses={200: RenewalDetailSerializer, **ERRORS}))
class RenewalDecideView(ObjectActionView):
    """Decide a pending review: renew (the next contract is drawn up), renew with conditions (required),
    re-tender (bid window required) or not continue (reason required)."""

    get_for_user = staticmethod(selectors_renewals.renewal_get_for_user)
    render = staticmethod(renewal_detail)
    input_serializer = RenewalDecisionInputSerializer

    def perform(self, request, obj, data):
        services.renewal_decide(actor=request.user, review=obj, **data)
