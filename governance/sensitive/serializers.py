"""DRF output of sensitive fields: masked, unless the view asked for a field in full and the user may.

```python
serializer = VolunteerOutputSerializer(volunteer, context={"request": request, "reveal": {"id_number"}})
```
A field named in ``context["reveal"]`` goes out in full only if ``can_reveal_sensitive`` admits the
request's user for that object, and then through ``sensitive_reveal`` (one audit event per value).
Ask for it in a detail view, not a list.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.sensitive.kinds import SensitiveValue, mask_value


@extend_schema_field(OpenApiTypes.STR)
class SensitiveSerializerField(serializers.Field):
    """Read-only: ``110105********002X`` by default; the clear text when revealed (see module doc)."""

    def __init__(self, *, kind: str | None = None, **kwargs):
        kwargs["read_only"] = True
        self.kind = kind
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance  # to_representation needs the object for the permission check

    def to_representation(self, instance):
        value = getattr(instance, self.source)
        if value is None:
            return None
        request = self.context.get("request")
        if self.field_name in self.context.get("reveal", ()) and request is not None:
            from governance.sensitive.permissions import can_reveal_sensitive
            from governance.sensitive.services import sensitive_reveal

            if can_reveal_sensitive(request.user, instance, self.source):
                return sensitive_reveal(actor=request.user, obj=instance, field=self.source)
        if isinstance(value, SensitiveValue):
            return value.masked
        return mask_value(value, self.kind or "text")
