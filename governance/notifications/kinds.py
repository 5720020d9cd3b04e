"""Notification kinds: each app declares the kinds it sends, with a translated label, in ``ready()``.

    from governance.notifications import register_notification_kind

    register_notification_kind("orgs.report_returned", _("Your annual report was returned"))

The label names the kind on the preferences page and in the inbox filter. ``default`` is the delivery a
user gets until they choose otherwise (``Delivery.IMMEDIATE`` unless the kind says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from governance.models.notifications import Delivery


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: Any
    default: str = Delivery.IMMEDIATE
    order: int = 100


_kinds: dict[str, NotificationKind] = {}


def register_notification_kind(key: str, label, *, default: str = Delivery.IMMEDIATE,
                               order: int = 100) -> NotificationKind:
    """Declare a kind (idempotent: registering a key again replaces it)."""
    if not key or len(key) > 64:
        raise ValueError("a notification kind needs a key of 1 to 64 characters")
    if default not in Delivery.values:
        raise ValueError(f"unknown delivery {default!r}")
    kind = NotificationKind(key=key, label=label, default=default, order=order)
    _kinds[key] = kind
    return kind


def notification_kinds() -> list[NotificationKind]:
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.key))


def get_kind(key: str) -> NotificationKind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"notification kind {key!r} is not registered (register_notification_kind)") from None


def kind_label(key: str) -> str:
    kind = _kinds.get(key)
    # A kind whose app was removed keeps its rows; never show the raw key.
    return str(kind.label) if kind is not None else _("Other notification")


def kind_choices() -> list[tuple[str, Any]]:
    return [(kind.key, kind.label) for kind in notification_kinds()]
