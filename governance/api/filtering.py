"""Filters for lists whose filtering lives in a selector.

The FilterSet validates the query parameters and documents them in the OpenAPI schema; the view's
selector applies them (the same selector serves the HTML list), so the filtering logic exists once.
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError


class SelectorFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        return queryset  # the view already applied the validated filters through its selector

    @staticmethod
    def cleaned_filters(request, filterset_class) -> dict:
        filterset = filterset_class(data=request.query_params, queryset=filterset_class._meta.model.objects.none(),
                                    request=request)
        if not filterset.form.is_valid():
            raise ValidationError(filterset.form.errors)
        return {key: value for key, value in filterset.form.cleaned_data.items() if value not in (None, "", [])}
