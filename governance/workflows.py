"""The project's state-machine pattern (Oscar's order status pipeline, Zulip's audit log).

An app declares a ``Workflow``: the status field and a transition table
``{from_status: {to_status: permission}}`` where ``permission(user, obj) -> bool``. One call,
``workflow.transition(obj=..., to=..., actor=...)``, validates the move and the actor, saves the
status (and any extra field values), writes a ``StatusChange`` row and an audit event in one
transaction, and runs ``on_commit`` callbacks (notifications, tasks) after the commit.

    FILING = Workflow(
        name="filing", field="status",
        transitions={
            "submitted": {"community_approved": can_review_as_community, "rejected": can_review_as_community},
            "community_approved": {"filed": can_approve_as_street, "rejected": can_approve_as_street},
        },
    )
    FILING.transition(obj=filing, to="filed", actor=user, note="", fields={"filed_at": now})
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.exceptions import ApplicationError, ConflictError
from governance.models import StatusChange
from governance.tenancy import actor_or_none

Permission = Callable[[Any, models.Model], bool]


@dataclass
class Workflow:
    name: str
    transitions: dict[str, dict[str, Permission]]
    field: str = "status"
    # Transitions that need a non-empty note (e.g. a rejection reason). ``dataclasses.field`` is
    # spelled out because the ``field`` attribute above shadows the bare name in the class body.
    note_required: set[str] = dataclasses.field(default_factory=set)
    on_commit: list[Callable[[models.Model, str, str], None]] = dataclasses.field(default_factory=list)

    def allowed_targets(self, obj: models.Model, user) -> list[str]:
        """Statuses ``user`` may move ``obj`` to now (for showing buttons)."""
        current = getattr(obj, self.field)
        return [to for to, permission in self.transitions.get(current, {}).items() if permission(user, obj)]

    def can(self, obj: models.Model, to: str, user) -> bool:
        permission = self.transitions.get(getattr(obj, self.field), {}).get(to)
        return permission is not None and permission(user, obj)

    def transition(self, *, obj: models.Model, to: str, actor, note: str = "",
                   fields: dict[str, Any] | None = None) -> StatusChange:
        with transaction.atomic():
            # Lock the row and re-read its status, so two concurrent clicks cannot both pass.
            locked = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
            current = getattr(locked, self.field)
            setattr(obj, self.field, current)
            permission = self.transitions.get(current, {}).get(to)
            if permission is None:
                raise ConflictError(
                    _("This step is not possible: %(from)s → %(to)s.")
                    % {"from": _display(obj, self.field, current), "to": _display(obj, self.field, to)},
                    extra={"from": current, "to": to},
                )
            if not permission(actor, obj):
                raise ApplicationError(_("You are not allowed to take this step."), extra={"to": to})
            if to in self.note_required and not note.strip():
                raise ApplicationError(_("Please give a reason."), extra={"field": "note"})
            changed = {self.field: [current, to]}
            setattr(obj, self.field, to)
            for name, value in (fields or {}).items():
                changed[name] = [getattr(obj, name), value]
                setattr(obj, name, value)
            obj.full_clean()
            obj.save(update_fields=[self.field, *(fields or {}).keys()])
            change = StatusChange.objects.create(
                tenant_id=obj.tenant_id,
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
                workflow=self.name,
                from_status=current,
                to_status=to,
                actor=actor_or_none(actor),
                note=note.strip(),
            )
            audit_record(actor=actor, action=f"{self.name}.{to}", obj=obj,
                         changes={**changed, **({"note": note.strip()} if note.strip() else {})})
            for callback in self.on_commit:
                transaction.on_commit(lambda cb=callback: cb(obj, current, to))
        return change


def _display(obj: models.Model, field_name: str, value: str) -> str:
    choices = dict(obj._meta.get_field(field_name).flatchoices)
    return str(choices.get(value, value))


def status_history(obj: models.Model):
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor").order_by("created_at", "id")
