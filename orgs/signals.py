"""What the registry tells the apps above it (party, projects), as signals (Oscar's order/signals.py).

A higher app connects receivers in its ``AppConfig.ready()``; the registry never imports it. Both
signals are sent once per change, after the transaction that made the change has committed (a
rolled-back change sends nothing), with ``sender`` the model class. A receiver that raises is logged
and does not disturb the registry or the other receivers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

from orgs.models import CreditRecord, Organization

logger = logging.getLogger(__name__)

organization_status_changed = Signal()
"""An organization's status changed (ORGANIZATION_WORKFLOW: a filing decided, suspended, deregistered…).

Keyword arguments: ``organization`` (Organization, already saved with the new status),
``from_status`` and ``to_status`` (``OrgStatus`` values).
"""

credit_listed = Signal()
"""An organization was put on a credit list (one new CreditRecord).

Keyword arguments: ``record`` (CreditRecord), ``organization`` (Organization), ``list_type``
(``CreditList`` value), ``automatic`` (True when the daily rules listed it, including a move to the
serious list), ``actor`` (the staff user, or None for the daily rules).
"""


def _send(signal: Signal, sender, **kwargs) -> None:
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            logger.error("receiver %r of %s failed", receiver, sender.__name__, exc_info=result)


def send_organization_status_changed(organization: Organization, from_status: str, to_status: str) -> None:
    """ORGANIZATION_WORKFLOW's on-commit callback (the workflow calls it after the commit)."""
    if not from_status or from_status == to_status:
        return  # the first row of a new organization is not a change
    _send(organization_status_changed, Organization, organization=organization, from_status=from_status,
          to_status=to_status)


def send_credit_listed(records: Iterable[CreditRecord], *, actor=None, automatic: bool = False) -> None:
    """Queue one ``credit_listed`` per new entry, sent when the caller's transaction commits."""
    records = list(records)
    if not records:
        return

    def send() -> None:
        for record in records:
            _send(credit_listed, CreditRecord, record=record, organization=record.organization,
                  list_type=record.list_type, automatic=automatic, actor=actor)

    transaction.on_commit(send)
