"""The base of every API input serializer: JSON types exactly as the OpenAPI document states them.

DRF coerces on input: ``"note": 0`` becomes ``"0"``, ``"score": "7"`` and ``7.0`` become ``7``, ``"yes"``
becomes ``True``. The document says ``string``, ``integer``, ``boolean``: a client relying on it must get
a 400 for the wrong type, not a silently converted value.
"""

from collections.abc import Mapping

from rest_framework import serializers


def _json_kind(value) -> type:
    """The JSON type of a value (a TextChoices member is a string, an IntegerChoices member an integer)."""
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind
    return type(value)


def _type_error(field, value) -> str | None:
    """The field's own (translated) message when ``value`` has the wrong JSON type, else None."""
    if value is None:
        return None  # allow_null is the field's business
    if isinstance(field, serializers.BooleanField):
        ok, key = isinstance(value, bool), "invalid"
    elif isinstance(field, serializers.IntegerField):
        ok, key = isinstance(value, int) and not isinstance(value, bool), "invalid"
    elif isinstance(field, serializers.ChoiceField):
        ok, key = any(_json_kind(value) == _json_kind(choice) for choice in field.choices), "invalid_choice"
    elif isinstance(field, serializers.CharField):
        ok, key = isinstance(value, str), "invalid"
    elif isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return None  # the field says "not a list" itself
        return next((error for error in (_type_error(field.child, item) for item in value) if error), None)
    else:
        return None
    if ok:
        return None
    message = field.error_messages.get(key) or field.error_messages.get("invalid", "")
    return str(message).format(input=value)


class InputSerializer(serializers.Serializer):
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name, field in self.fields.items():
                if not field.read_only and name in data:
                    error = _type_error(field, data[name])
                    if error:
                        errors[name] = [error]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
