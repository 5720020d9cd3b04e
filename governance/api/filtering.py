"""Strict query parameters for every API list.

Each parameter is validated by its filter and documented in the OpenAPI schema by it: an unknown choice,
a non-number where an id is expected, an empty value where "empty" means nothing, or an unknown
ordering field is a 400 with a translated message, never silently ignored (nor a 500).

For lists whose filtering lives in a selector, the FilterSet validates the query parameters and the
view's selector applies them (the same selector serves the HTML list), so the filtering logic exists once.
"""

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

MAX_ID = 2**63 - 1  # bigint: a larger id cannot exist, and PostgreSQL would refuse to compare it


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A row id (``?region=12``): a whole number, documented as such (NumberFilter takes decimals)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class OrderingChoiceFilter(django_filters.ChoiceFilter):
    """``?ordering=`` of a list whose selector sorts: one of ``orderings`` (values, or ``(value, label)`` pairs),
    or empty for the default order (documented: the enum lists ``""`` too)."""

    def __init__(self, orderings, **kwargs):
        super().__init__(choices=[o if isinstance(o, tuple) else (o, o) for o in orderings], **kwargs)


def _blank_errors(filterset) -> dict:
    """Blank values of typed parameters: ``?status=`` is not a status (a text search may be empty, and an empty
    ordering is the default order)."""
    return {
        name: [_("This parameter may not be empty.")]
        for name, value in filterset.data.items()
        if name in filterset.filters and value == "" and not isinstance(
            filterset.filters[name], django_filters.CharFilter | OrderingChoiceFilter)
    }


def validated_filterset(filterset):
    errors = _blank_errors(filterset)
    if not filterset.is_valid():
        errors.update(filterset.form.errors)
    if errors:
        raise ValidationError(errors)
    return filterset


class StrictFilterSchema(DjangoFilterExtension):
    """Documents choices given as a callable too (drf-spectacular leaves them out, since a callable might
    query the database; ours read registries built in code). With the enum, "" and unknown values are
    schema-invalid, as the backend treats them."""

    target_class = "governance.api.filtering.StrictFilterBackend"
    match_subclasses = True
    priority = 1

    def _get_explicit_filter_choices(self, filter_field):
        choices = filter_field.extra.get("choices")
        if isinstance(filter_field, OrderingChoiceFilter):
            return ["", *(value for value, _label in choices)]
        if callable(choices):
            return [value for value, _label in choices() if value != ""]
        return super()._get_explicit_filter_choices(filter_field)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing blank typed values as well as invalid ones."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        return validated_filterset(filterset).qs


class SelectorFilterBackend(StrictFilterBackend):
    def filter_queryset(self, request, queryset, view):
        return queryset  # the view already applied the validated filters through its selector

    @staticmethod
    def cleaned_filters(request, filterset_class) -> dict:
        """The validated, non-empty filter values of the request (400 on invalid ones)."""
        cached = _static_form(filterset_class)
        if cached is None:  # a filter whose choices depend on the request: built per request
            filterset = filterset_class(data=request.query_params, queryset=filterset_class._meta.model.objects.none(),
                                        request=request)
            form = validated_filterset(filterset).form
        else:
            form_class, blank_refused = cached
            data = request.query_params
            errors = {name: [_("This parameter may not be empty.")]
                      for name, value in data.items() if value == "" and name in blank_refused}
            form = form_class(data)
            if not form.is_valid():
                errors.update(form.errors)
            if errors:
                raise ValidationError(errors)
        return {key: value for key, value in form.cleaned_data.items() if value not in (None, "", [])}


# Per process: the form class of a FilterSet whose fields do not depend on the request, and the names that refuse
# "". django-filter builds both (a deep copy of every filter, a new form class) for each request otherwise.
_STATIC_FORMS: dict[type, tuple[type, frozenset[str]] | None] = {}


def _static_form(filterset_class):
    if filterset_class not in _STATIC_FORMS:
        filterset = filterset_class(queryset=filterset_class._meta.model.objects.none())
        dynamic = any(isinstance(f, django_filters.filters.QuerySetRequestMixin) or callable(f.extra.get("choices"))
                      for f in filterset.filters.values())
        _STATIC_FORMS[filterset_class] = None if dynamic else (filterset.get_form_class(), frozenset(
            name for name, f in filterset.filters.items()
            if not isinstance(f, django_filters.CharFilter | OrderingChoiceFilter)))
    return _STATIC_FORMS[filterset_class]


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` with the view's ``ordering_fields`` only (DRF silently ignores unknown fields); empty or
    absent is the view's default order (its selector's, when the view declares none). The document lists the
    fields, each ascending and descending, and ``""``."""

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if not raw:
            return self.get_default_ordering(view)
        terms = [term.strip() for term in raw.split(",")]
        allowed = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
        if any(term.lstrip("-") not in allowed for term in terms):
            raise ValidationError({self.ordering_param: [
                _("Unknown sort order; choose from: %(choices)s.") % {"choices": ", ".join(sorted(allowed))}]})
        # The id breaks ties, so that pages of equal keys neither repeat nor skip rows.
        return terms if {"id", "-id"} & set(terms) else [*terms, "-id" if terms[0].startswith("-") else "id"]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if isinstance(fields, (list, tuple)):
            for parameter in parameters:
                parameter["schema"]["enum"] = ["", *(value for name in fields for value in (name, f"-{name}"))]
        return parameters
