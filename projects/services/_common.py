"""Helpers shared by the project services."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from governance.exceptions import ApplicationError

HUNDRED = Decimal(100)


def reject_unknown(fields: dict, allowed: Iterable[str]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)},
                               extra={"fields": unknown})


def weights_sum_to_100(weights: Iterable[Decimal], *, what: str) -> None:
    """Refuse weights (or percentages) not summing to exactly 100."""
    total = sum((Decimal(w) for w in weights), Decimal(0))
    if total != HUNDRED:
        raise ApplicationError(_("The %(what)s must sum to 100; they sum to %(total)s.")
                               % {"what": what, "total": f"{total.normalize():f}"},
                               extra={"total": str(total)})


def clean_rows(rows: list, *, prefix: str, exclude: Iterable[str] = ()) -> None:
    """full_clean() every new child row; errors keyed ``<prefix>.<index>.<field>``."""
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        try:
            row.full_clean(exclude=list(exclude))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors[f"{prefix}.{index}.{name}"] = messages
    if errors:
        raise ValidationError(errors)
