"""Helpers shared by the registry services (argument checks, dates, error merging)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def _reject_unknown_fields(fields: dict, allowed) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError({name: [_("This field cannot be set here.")] for name in unknown})


def _as_date(value, field: str) -> datetime.date:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ValidationError({field: [_("Enter a valid date.")]})
    return value


def _not_in_future(value: datetime.date, field: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: [_("The date cannot be in the future.")]})


def _required_text(value, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: [_("Please give a reason.")]})
    return text


def _merge_errors(target: dict[str, list[str]], source: dict[str, list[str]]) -> None:
    for name, messages in source.items():
        bucket = target.setdefault(name, [])
        bucket.extend(m for m in messages if m not in bucket)


def _json(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value
