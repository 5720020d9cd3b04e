"""Sensitive personal data (ID numbers, phones, names): encrypted at rest, looked up by keyed hash,
masked everywhere by default, revealed in full only to permitted roles and audited.

See ``docs/sensitive-data.md``. Public API:

- model fields: ``SensitiveField(kind=..., hash_field=..., can_reveal=...)``, ``SensitiveHashField()``;
  lookup ``Model.objects.filter(<field>__matches=value)``, or ``<field>_hash=sensitive_hash(kind, value)``;
- masking: ``mask_value(value, kind)``, template filter ``{% load sensitive %}{{ value|mask:"phone" }}``,
  DRF ``governance.sensitive.serializers.SensitiveSerializerField``, exports ``SensitiveExport``;
- full view: ``can_reveal_sensitive(user, obj, field)``, ``sensitive_reveal(*, actor, obj, field)``;
- keys: ``manage.py rotate_sensitive_keys``.

Import the services from ``governance.sensitive.services`` (they use the audit models); this package
itself loads no model, so ``models.py`` files can import the fields from here.
"""

_EXPORTS = {
    "SensitiveField": "fields",
    "SensitiveHashField": "fields",
    "sensitive_hash": "fields",
    "SensitiveDataError": "keys",
    "generate_key": "keys",
    "SensitiveValue": "kinds",
    "mask_value": "kinds",
    "mask_personal_changes": "kinds",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    # Lazy, so that the production settings can import ``governance.sensitive.keys`` without loading
    # the ORM and forms modules this package's fields need.
    if name not in _EXPORTS:
        raise AttributeError(f"module 'governance.sensitive' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"governance.sensitive.{_EXPORTS[name]}"), name)
