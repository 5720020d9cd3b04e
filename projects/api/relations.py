"""Declared relations of experts (利益关系申报): the expert's own (list, declare, remove) and staff's read access."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.filtering import MAX_ID
from governance.api.inputs import InputSerializer
from governance.api.lists import FastListMixin, choice_labels, date_out, display
from governance.api.serializers import ErrorSerializer
from governance.api.views import SchemaSafeMixin
from projects import permissions, selectors, services
from projects.models import ExpertRelation, RelationKind

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class RelationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    expert = serializers.IntegerField(source="expert_id")
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    kind_display = serializers.CharField(source="get_kind_display")
    reason = serializers.CharField()
    declared_on = serializers.DateField()


RELATION_VALUES = ("id", "expert_id", "organization_id", "organization__name", "kind", "reason", "declared_on")


def relation_rows(rows: list[dict]) -> list[dict]:
    kinds = choice_labels(RelationKind)
    return [{"id": r["id"], "expert": r["expert_id"], "organization": r["organization_id"],
             "organization_name": r["organization__name"], "kind": r["kind"], "kind_display": display(kinds, r["kind"]),
             "reason": r["reason"], "declared_on": date_out(r["declared_on"])} for r in rows]


class RelationInputSerializer(InputSerializer):
    organization = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    reason = serializers.CharField(max_length=500)


class _RelationList(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    model = ExpertRelation
    serializer_class = RelationOutputSerializer
    filter_backends: list = []
    list_values = RELATION_VALUES
    list_rows = staticmethod(relation_rows)


@extend_schema(tags=["projects"])
class MyRelationListView(_RelationList):
    """Relations you declared as an expert (experts only); POST declares one."""

    def get_scoped_queryset(self):
        if not permissions.is_expert(self.request.user):
            raise PermissionDenied
        return selectors.my_relations(user=self.request.user)

    @extend_schema(request=RelationInputSerializer, responses={201: RelationOutputSerializer, **ERRORS})
    def post(self, request):
        if not permissions.is_expert(request.user):
            raise PermissionDenied
        expert = selectors.my_expert_profile(user=request.user)
        if expert is None:
            raise PermissionDenied(_("Your account is not linked to an entry of the expert pool yet; ask the "
                                     "programme office to link it."))
        data = RelationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organization = selectors.relation_organization_get(pk=fields.pop("organization"))
        relation = services.relation_declare(actor=request.user, expert=expert, organization=organization, **fields)
        return Response(RelationOutputSerializer(relation).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["projects"])
class MyRelationDetailView(APIView):
    @extend_schema(responses={200: RelationOutputSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(RelationOutputSerializer(selectors.my_relation_get(user=request.user, pk=pk)).data)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request, pk):
        """Remove a relation you declared (draws already made keep their record)."""
        services.relation_withdraw(actor=request.user, relation=selectors.my_relation_get(user=request.user, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["projects"])
class ExpertRelationListView(_RelationList):
    """The declared relations of an expert of your pool (staff)."""

    def get_scoped_queryset(self):
        expert = selectors.expert_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.expert_relation_list(expert=expert)
