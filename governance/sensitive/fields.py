"""Model fields: an encrypted column and its keyed-hash twin for exact-match lookup.

```python
class Volunteer(TenantOwnedModel):
    id_number = SensitiveField(_("ID number"), kind="id_number", hash_field="id_number_hash",
                               can_reveal="volunteers.permissions.can_reveal_volunteer")
    id_number_hash = SensitiveHashField()

Volunteer.objects.filter(id_number__matches="11010519491231002x")   # WHERE id_number_hash = HMAC(...)
```

The column holds ``<key id>:<Fernet token>``; the attribute holds a :class:`SensitiveValue` that prints
masked. Any other lookup on the encrypted column is refused (a random IV makes equal values differ).
"""

from __future__ import annotations

from django import forms
from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import class_prepared, pre_save
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from governance.sensitive.keys import keyring
from governance.sensitive.kinds import SensitiveValue, clear_text, get_kind

HASH_LENGTH = 64  # hex HMAC-SHA256
ALLOWED_LOOKUPS = {"isnull", "matches"}


def sensitive_hash(kind: str, value) -> str:
    """The keyed hash stored next to a value of ``kind`` ("" for an empty value).

    HMAC-SHA256 with ``SENSITIVE_HASH_KEY`` over ``kind:normalised value``: without the key a table dump
    cannot be matched against the (small) space of valid ID or phone numbers.
    """
    clear = clear_text(value) if isinstance(value, SensitiveValue) else get_kind(kind).normalize(str(value or ""))
    if not clear:
        return ""
    return keyring().hash(f"{kind}:{clear}")


class _SensitiveAttribute(DeferredAttribute):
    """Wraps what is assigned in a SensitiveValue."""

    def __set__(self, instance, value):
        if value is not None and not isinstance(value, SensitiveValue):
            value = SensitiveValue(self.field.kind, str(value))
        instance.__dict__[self.field.attname] = value


class _HashAttribute(DeferredAttribute):
    """Reads as the hash of the source field's current value, so it is never stale before a save
    (model validation of a unique constraint, ``bulk_update``); the stored value only while the
    source is deferred."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        source = self.field.source_field
        if source is not None and source.attname in instance.__dict__:
            value = instance.__dict__[source.attname]
            return sensitive_hash(source.kind, value) if value is not None else ""
        return super().__get__(instance, cls)

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class SensitiveInput(forms.TextInput):
    """Never sends the stored value to the browser: the masked form is the placeholder."""

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        if isinstance(value, SensitiveValue) and value:
            attrs.setdefault("placeholder", value.masked)
        attrs.setdefault("autocomplete", "off")
        return super().get_context(name, None, attrs)

    def format_value(self, value):
        return None


class SensitiveFormField(forms.CharField):
    widget = SensitiveInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("Leave empty to keep the current value."))
        super().__init__(*args, **kwargs)

    def has_changed(self, initial, data):
        return bool(data)


class Matches(models.Lookup):
    """``field__matches=value``: compares the *hash column* with the keyed hash of ``value``."""

    lookup_name = "matches"
    prepare_rhs = False

    def get_prep_lookup(self):
        if hasattr(self.rhs, "resolve_expression"):
            raise FieldError("__matches takes a plain value, not an expression")
        return self.rhs

    def as_sql(self, compiler, connection):
        field = self.lhs.output_field
        hash_field = field.model._meta.get_field(field.hash_field)
        column_sql, params = compiler.compile(hash_field.get_col(self.lhs.alias))
        digest = sensitive_hash(field.kind, self.rhs)
        if not digest:
            return "1 = 0", []  # an empty search matches nothing, not every row without a value
        return f"{column_sql} = %s", [*params, digest]


class SensitiveField(models.TextField):
    """Personal data encrypted at rest (Fernet, key from the environment), masked when printed."""

    descriptor_class = _SensitiveAttribute
    description = _("Encrypted personal data")

    def __init__(self, *args, kind: str = "text", hash_field: str | None = None, can_reveal=None, **kwargs):
        get_kind(kind)
        self.kind = kind
        self.hash_field = hash_field
        # ``can_reveal(user, obj) -> bool`` (or its dotted path): who may see the clear text. None: nobody.
        self._can_reveal = can_reveal
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        if self.hash_field:
            kwargs["hash_field"] = self.hash_field
        return name, path, args, kwargs

    @property
    def can_reveal(self):
        predicate = self._can_reveal
        if isinstance(predicate, str):
            predicate = self._can_reveal = import_string(predicate)
        return predicate

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}" if hasattr(self, "model") else self.name

    # --- values ---------------------------------------------------------------------------
    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if value == "":
            return SensitiveValue(self.kind, "")
        return SensitiveValue(self.kind, keyring().decrypt(value, label=self.label))

    def to_python(self, value):
        if value is None or isinstance(value, str):
            return value
        return clear_text(value)

    def get_prep_value(self, value):
        if value is None:
            return None
        return get_kind(self.kind).normalize(clear_text(value))

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or value == "":
            return value
        return keyring().encrypt(value)

    def value_to_string(self, obj):
        return str(self.value_from_object(obj) or "")  # masked: dumpdata never writes clear text

    @property
    def validators(self):
        return [*super().validators, *get_kind(self.kind).validators]

    def formfield(self, **kwargs):
        # The admin passes a Textarea for every TextField: it would print the mask into the input and
        # save the mask back. Whatever widget is asked for, the value never goes to the browser.
        widget = kwargs.get("widget")
        if not (isinstance(widget, SensitiveInput) or isinstance(widget, type) and issubclass(widget, SensitiveInput)):
            kwargs["widget"] = SensitiveInput
        return super().formfield(**{**kwargs, "form_class": SensitiveFormField, "required": False})

    def save_form_data(self, instance, data):
        current = getattr(instance, self.attname, None)
        if current and (data in (None, "") or data == current.masked):
            return  # an empty input (or the mask sent back) keeps the stored value: the form never showed it
        super().save_form_data(instance, data)

    # --- lookups ----------------------------------------------------------------------------
    def get_lookup(self, lookup_name):
        if lookup_name not in ALLOWED_LOOKUPS:
            raise FieldError(
                f"{self.label} is encrypted and cannot be filtered with __{lookup_name}; "
                f"use {self.name}__matches=<value> (exact match through {self.hash_field or 'a hash field'})"
            )
        if lookup_name == "matches" and not self.hash_field:
            raise FieldError(f"{self.label} has no hash_field, so it cannot be searched")
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        return None

    # --- wiring -----------------------------------------------------------------------------
    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        if self.hash_field and not cls._meta.abstract:
            class_prepared.connect(self._link_hash_field, sender=cls, weak=False)

    def _link_hash_field(self, sender, **kwargs):
        try:
            hash_field = sender._meta.get_field(self.hash_field)
        except Exception:  # noqa: BLE001  (reported by the system check below)
            return
        if isinstance(hash_field, SensitiveHashField):
            hash_field.source_field = self
            pre_save.connect(_require_hash_in_update_fields, sender=sender, weak=False,
                             dispatch_uid=f"sensitive-update-fields-{sender._meta.label}")

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.unique or self.db_index:
            errors.append(checks.Error(
                "An encrypted field cannot be unique or indexed (equal values differ); "
                "put the constraint or index on its hash field.", obj=self, id="governance.E101"))
        if self.hash_field:
            try:
                hash_field = self.model._meta.get_field(self.hash_field)
            except Exception:  # noqa: BLE001
                hash_field = None
            if not isinstance(hash_field, SensitiveHashField):
                errors.append(checks.Error(
                    f"hash_field {self.hash_field!r} must name a SensitiveHashField of {self.model.__name__}.",
                    obj=self, id="governance.E102"))
        return errors


class SensitiveHashField(models.CharField):
    """The keyed hash (HMAC-SHA256, hex) of a SensitiveField, for exact-match lookup and uniqueness.

    Always the hash of the SensitiveField's current value (computed when read and saved); index it with the tenant first,
    e.g. ``models.Index(fields=["tenant", "id_number_hash"])``.
    """

    descriptor_class = _HashAttribute
    source_field: SensitiveField | None = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", HASH_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)



def _require_hash_in_update_fields(sender, instance, update_fields=None, **kwargs):
    """``save(update_fields=["id_number"])`` without the hash would leave a stale hash: refuse it."""
    if not update_fields:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, SensitiveField) and field.hash_field and field.name in update_fields \
                and field.hash_field not in update_fields:
            raise ValueError(f"save(update_fields=...) lists {field.name} without {field.hash_field}")


SensitiveField.register_lookup(Matches)


def sensitive_fields(model) -> list[SensitiveField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, SensitiveField)]
