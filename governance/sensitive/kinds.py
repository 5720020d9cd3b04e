"""Kinds of personal data (ID number, phone, name, free text): how each is normalised, masked and checked.

A value read from a sensitive field is a :class:`SensitiveValue`: ``str()`` of it is the *masked* form, so
templates, serializers, the admin, audit snapshots and exports show ``110105********002X`` unless code
asks for the clear text on purpose (``sensitive_reveal``, audited). The clear text sits in an attribute
whose name starts with an underscore, which Django templates refuse to read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from governance.standards import check_resident_id

MASK = "*"


def _keep(value: str, head: int, tail: int) -> str:
    hidden = len(value) - head - tail
    if hidden <= 0:
        return MASK * len(value)
    return value[:head] + MASK * hidden + (value[-tail:] if tail else "")


def mask_id_number(value: str) -> str:
    """``11010519491231002X`` → ``110105********002X``: the division code and the last four stay."""
    if len(value) >= 15:
        return _keep(value, 6, 4)
    return _keep(value, 1, 1) if len(value) > 2 else MASK * len(value)


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``; short numbers keep only their last two digits."""
    if len(value) >= 11:
        return value[:3] + MASK * (len(value) - 7) + value[-4:]
    if len(value) >= 7:
        return _keep(value, 0, 4)
    return _keep(value, 0, 2)


def mask_name(value: str) -> str:
    """``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***``: the surname's first character stays."""
    return value[:1] + MASK * (len(value) - 1) if len(value) > 1 else MASK * len(value)


def mask_text(value: str) -> str:
    """Any other text: the first and last characters stay (``广东路12号`` → ``广****号``)."""
    return _keep(value, 1, 1) if len(value) > 2 else MASK * len(value)


def normalize_id_number(value: str) -> str:
    """Upper-case X, no spaces: ``11010519491231002x`` and ``110105 19491231 002X`` are the same number."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).upper()


def normalize_phone(value: str) -> str:
    """Digits only, without the +86 country code: ``+86 138-1234-5678`` → ``13812345678``."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def normalize_text(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def validate_id_number(value: str) -> None:
    errors = check_resident_id(value)
    if errors:
        raise ValidationError(errors, code="invalid_id_number")


def validate_phone(value: str) -> None:
    if not re.fullmatch(r"\d{7,15}", value):
        raise ValidationError(_("A phone number has 7 to 15 digits."), code="invalid_phone")


@dataclass(frozen=True)
class Kind:
    name: str
    normalize: Callable[[str], str]
    mask: Callable[[str], str]
    validators: tuple[Callable[[str], None], ...] = field(default=())


KINDS: dict[str, Kind] = {
    "id_number": Kind("id_number", normalize_id_number, mask_id_number, (validate_id_number,)),
    "phone": Kind("phone", normalize_phone, mask_phone, (validate_phone,)),
    "name": Kind("name", normalize_text, mask_name),
    "text": Kind("text", normalize_text, mask_text),
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown sensitive kind {name!r}; one of {', '.join(sorted(KINDS))}") from None


def mask_value(value, kind: str = "text") -> str:
    """The masked form of a plain string (or of a SensitiveValue, whatever ``kind`` says)."""
    if value is None:
        return ""
    if isinstance(value, SensitiveValue):
        return value.masked
    spec = get_kind(kind)
    return spec.mask(spec.normalize(str(value)))


class SensitiveValue:
    """A clear value that prints masked. Compare it with ``==``; get the clear text with ``clear_text()``."""

    __slots__ = ("_clear", "_kind")

    def __init__(self, kind: str, clear: str):
        spec = get_kind(kind)
        self._kind = spec
        self._clear = spec.normalize(clear)

    @property
    def kind(self) -> str:
        return self._kind.name

    @property
    def masked(self) -> str:
        return self._kind.mask(self._clear)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"<SensitiveValue {self.kind} {self.masked}>"

    def __bool__(self) -> bool:
        return bool(self._clear)

    def __eq__(self, other) -> bool:
        if isinstance(other, SensitiveValue):
            return self.kind == other.kind and self._clear == other._clear
        if isinstance(other, str):
            return self._clear == self._kind.normalize(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.kind, self._clear))

    def __copy__(self):
        return self  # immutable

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        # Pickling (cache, sessions) would carry the clear text: refuse rather than leak it somewhere.
        raise TypeError("a SensitiveValue is not picklable; store the object's id instead")


def clear_text(value) -> str:
    """The clear text of a SensitiveValue (for the core's own services: not for views or templates)."""
    if value is None:
        return ""
    if isinstance(value, SensitiveValue):
        return value._clear
    return str(value)


def _personal_kind(key: str) -> str | None:
    key = key.lower()
    if key.endswith(("phone", "mobile")):
        return "phone"
    if key.endswith("id_number"):
        return "id_number"
    return None


def mask_personal_changes(value, key: str = ""):
    """A copy of an audit event's ``changes`` with phone numbers and ID numbers masked, at any depth.

    Keys name the data (``contact_phone``, ``phone``, ``id_number``, ``…_phone``); a value under such a key
    is masked whether it is a string or a ``[before, after]`` pair. For readers of the audit log who may
    not see personal data in full (read-only roles)."""
    kind = _personal_kind(key) if key else None
    if isinstance(value, dict):
        return {k: mask_personal_changes(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_personal_changes(item, key) for item in value]
    if kind and isinstance(value, str) and value:
        try:
            return mask_value(value, kind)
        except Exception:  # a malformed old value: hide it rather than show it
            return "****"
    return value
