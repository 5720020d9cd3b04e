"""Shared pieces of the tender API modules: error responses, decimal shapes, the staff fast list."""

from __future__ import annotations

from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied

from governance.api.fields import DecimalStringField
from governance.api.filtering import SelectorFilterBackend
from governance.api.inputs import InputSerializer
from governance.api.lists import FastListMixin
from governance.api.serializers import ErrorSerializer
from governance.api.views import SchemaSafeMixin
from projects import permissions_tenders as perms
from projects.models import BudgetCategory

ERRORS = {400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}
MONEY = {"max_digits": 14, "decimal_places": 2}
SCORE = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 100}
TAGS = ["projects"]


class StaffFastList(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    filter_backends = [SelectorFilterBackend]
    selector = None

    def get_scoped_queryset(self):
        if not perms.can_view_tenders(self.request.user):
            raise PermissionDenied
        filters = SelectorFilterBackend.cleaned_filters(self.request, self.filterset_class)
        return type(self).selector(user=self.request.user, filters=filters)


class BreakdownSerializer(InputSerializer):
    category = serializers.ChoiceField(choices=BudgetCategory.choices)
    amount = DecimalStringField(min_value=0, **MONEY)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)


def breakdown_out(rows) -> list[dict]:
    return [{**row, "amount": str(row["amount"])} for row in rows]
