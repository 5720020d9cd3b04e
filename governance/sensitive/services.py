"""Reading sensitive fields in full (audited) and exporting them (masked unless the role may see more)."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.audit import audit_record
from governance.audit_actions import GovernanceAudit
from governance.exceptions import ApplicationError
from governance.sensitive.kinds import clear_text
from governance.sensitive.permissions import can_reveal_sensitive, sensitive_field_of


class SensitiveRevealDenied(ApplicationError):
    """The user may see the masked value only (HTTP 403)."""

    status_code = 403


@transaction.atomic
def sensitive_reveal(*, actor, obj, field: str) -> str:
    """The clear text of ``obj.<field>`` for a user the field's ``can_reveal`` admits, audited.

    The caller has fetched ``obj`` through the app's access function (tenant and jurisdiction, 404
    otherwise); this checks the reveal permission on top and writes ``sensitive.revealed`` in the same
    transaction as the read, recording the field, never the value.
    """
    model_field = sensitive_field_of(obj, field)
    if not can_reveal_sensitive(actor, obj, field):
        raise SensitiveRevealDenied(
            _("You may not see the full %(field)s.") % {"field": model_field.verbose_name},
            extra={"field": field},
        )
    audit_record(actor=actor, action=GovernanceAudit.SENSITIVE_REVEALED, obj=obj, changes={"field": field})
    return clear_text(getattr(obj, field))


class SensitiveExport:
    """Values of sensitive fields for one export, masked unless the actor may see the row in full.

    ```python
    with SensitiveExport(actor=request.user, reveal={"id_number"}) as export:
        rows = [[v.name, export.value(v, "id_number")] for v in queryset]
    ```
    Leaving the block writes one ``sensitive.exported`` event (fields, how many values went out in
    full) in the block's transaction, when at least one did; a field not in ``reveal`` is always masked.
    """

    def __init__(self, *, actor, reveal=(), description=None):
        self.actor = actor
        self.reveal = frozenset(reveal)
        self.description = description
        self.revealed: Counter[str] = Counter()
        self._atomic = None

    def __enter__(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        atomic, self._atomic = self._atomic, None
        if exc_type is None and self.revealed:
            try:
                audit_record(
                    actor=self.actor, action=GovernanceAudit.SENSITIVE_EXPORTED, tenant=self.actor.tenant,
                    object_repr=str(self.description or gettext_lazy("Export with personal data")),
                    changes={"fields": dict(sorted(self.revealed.items()))},
                )
            except BaseException as error:
                atomic.__exit__(type(error), error, error.__traceback__)
                raise
        return atomic.__exit__(exc_type, exc, tb)

    def value(self, obj, field: str) -> str:
        value = getattr(obj, field)
        if field in self.reveal and can_reveal_sensitive(self.actor, obj, field):
            if self._atomic is None:
                raise RuntimeError("SensitiveExport.value() reveals only inside `with SensitiveExport(...)`")
            self.revealed[field] += 1
            return clear_text(value)
        return "" if value is None else str(value)
