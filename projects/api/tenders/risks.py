"""The staff risk-flag list: single bidder, repeated winner, bid price at the cap, experts with outlying scores."""

from __future__ import annotations

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied

from governance.api.filtering import SelectorFilterBackend
from governance.api.lists import decimal_out
from projects import permissions_tenders as perms
from projects import selectors_tenders
from projects.api.tenders.common import TAGS
from projects.models import Tender


class RiskFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=selectors_tenders.RISK_KINDS, label=_("Kind"))

    class Meta:
        model = Tender
        fields: list[str] = []


class RiskReviewSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    weighted_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    final_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    deviation = serializers.DecimalField(max_digits=7, decimal_places=2)
    margin = serializers.DecimalField(max_digits=5, decimal_places=2)
    url = serializers.CharField(help_text="The application's page, at the experts' scores.")


class RiskFlagSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=selectors_tenders.RISK_KINDS)
    label = serializers.CharField()
    detail = serializers.CharField()
    tender = serializers.IntegerField(allow_null=True)
    tender_title = serializers.CharField(allow_null=True)
    organization_name = serializers.CharField(allow_blank=True)
    expert = serializers.IntegerField(allow_null=True)
    expert_name = serializers.CharField(allow_blank=True)
    reviews = RiskReviewSerializer(many=True)


def risk_rows(flags) -> list[dict]:
    return [{"kind": f.kind, "label": str(f.label), "detail": str(f.detail),
             "tender": f.tender.pk if f.tender else None, "tender_title": f.tender.title if f.tender else None,
             "organization_name": f.organization_name, "expert": f.expert_id, "expert_name": f.expert_name,
             "reviews": [{"application": r["application"], "number": r["number"], "title": r["title"],
                          "weighted_score": decimal_out(r["weighted_score"], 2),
                          "final_score": decimal_out(r["final_score"], 2), "deviation": decimal_out(r["deviation"], 2),
                          "margin": decimal_out(r["margin"], 2),
                          "url": reverse("projects:application-detail", args=[r["application"]]) + "#expert-scores"}
                         for r in f.reviews]} for f in flags]


@extend_schema(tags=TAGS)
class RiskFlagListView(generics.ListAPIView):
    """Risk flags of your jurisdiction (staff); an outlying expert's flag lists the reviews behind it."""

    serializer_class = RiskFlagSerializer
    filter_backends = [SelectorFilterBackend]
    filterset_class = RiskFilter

    def get_queryset(self):
        return Tender.objects.none()  # the flags are computed (selectors_tenders.risk_flags); for the schema only

    def list(self, request, *args, **kwargs):
        if not perms.can_view_tenders(request.user):
            raise PermissionDenied
        filters = SelectorFilterBackend.cleaned_filters(request, RiskFilter)
        flags = selectors_tenders.risk_flags(user=request.user)
        if kind := filters.get("kind"):
            flags = [f for f in flags if f.kind == kind]
        page = self.paginate_queryset(flags)
        return self.get_paginated_response(risk_rows(page))
