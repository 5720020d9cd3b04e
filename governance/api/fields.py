"""Serializer fields whose OpenAPI schema says exactly what they accept."""

import re

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers


class DecimalStringField(serializers.DecimalField):
    """An amount as a plain decimal string (``"1234.50"``), matched against the documented pattern first.

    DRF's DecimalField also takes JSON numbers, exponents, ``"1_000"`` and padding, none of which the
    ``string``/``pattern`` schema drf-spectacular writes for it admits: a client reading the document
    could not know. Here the pattern is the rule.
    """

    def __init__(self, *, max_digits: int, decimal_places: int, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)
        sign = "-?" if self.min_value is None or self.min_value < 0 else ""
        whole = max_digits - decimal_places
        fraction = rf"(\.[0-9]{{1,{decimal_places}}})?" if decimal_places else ""
        self.pattern = rf"^{sign}(0|[1-9][0-9]{{0,{whole - 1}}}){fraction}$"

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(self.pattern, data):
            self.fail("invalid")
        return super().to_internal_value(data)


class DecimalStringFieldSchema(OpenApiSerializerFieldExtension):
    target_class = DecimalStringField

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "format": "decimal", "pattern": self.target.pattern}


class PastDateField(serializers.DateField):
    """A date that cannot lie in the future (an award, a listing, a founding): refused here, and stated in
    the OpenAPI document as ``x-not-after: today`` (OpenAPI 3.0 has no keyword for a relative bound)."""

    def to_internal_value(self, value):
        date = super().to_internal_value(value)
        if date > timezone.localdate():
            raise serializers.ValidationError(_("The date cannot be in the future."))
        return date


class PastDateFieldSchema(OpenApiSerializerFieldExtension):
    target_class = PastDateField

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "format": "date", "x-not-after": "today",
                "description": "An ISO date, today or earlier."}
