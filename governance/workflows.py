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

A new object records its first row with ``FILING.start(obj=filing, actor=user)`` (from "" to its
initial status). A workflow built with ``model=`` is registered, so the admin shows its status field
read-only (``workflows_for(model)``); ``lock_row(obj, *fields)`` is the one way a service locks a row,
``lock_rows(queryset)`` the one way it locks several.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
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
    model: type[models.Model] | None = None

    def __post_init__(self) -> None:
        if self.model is not None:
            _REGISTRY.setdefault(self.model, []).append(self)

    def start(self, *, obj: models.Model, actor, note: str = "",
              changes: dict[str, Any] | None = None) -> StatusChange:
        """Record the first row of a new ``obj`` (from "" to its initial status), in the caller's transaction."""
        status = getattr(obj, self.field)
        with transaction.atomic():
            return self._record(obj=obj, actor=actor, current="", to=status, note=note,
                                changed={**(changes or {}), self.field: ["", status]})

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
            current = getattr(lock_row(obj, self.field), self.field)
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
            try:
                obj.full_clean()
            except ValidationError as exc:
                # A field this step does not touch is invalid: the record, not the request, must change
                # first (a filed group without its filing number cannot be reactivated): a conflict.
                touched = {self.field, *(fields or {})}
                if not hasattr(exc, "error_dict") or set(exc.error_dict) & touched:
                    raise
                problems = " ".join(message for messages in exc.message_dict.values() for message in messages)
                raise ConflictError(_("Complete the record first: %(problems)s") % {"problems": problems},
                                    extra={"fields": exc.message_dict}) from exc
            # auto_now fields (updated_at) are saved too, as a plain save() would.
            touched = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
            obj.save(update_fields=[self.field, *(fields or {}).keys(), *touched])
            change = self._record(obj=obj, actor=actor, current=current, to=to, note=note, changed=changed)
        return change

    def _record(self, *, obj, actor, current: str, to: str, note: str, changed: dict) -> StatusChange:
        note = note.strip()
        change = StatusChange.objects.create(
            tenant_id=obj.tenant_id,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            workflow=self.name,
            from_status=current,
            to_status=to,
            actor=actor_or_none(actor),
            note=note,
        )
        audit_record(actor=actor, action=f"{self.name}.{to}", obj=obj,
                     changes={**changed, **({"note": note} if note else {})})
        for callback in self.on_commit:
            transaction.on_commit(lambda cb=callback: cb(obj, current, to))
        return change


_REGISTRY: dict[type[models.Model], list[Workflow]] = {}


def workflows_for(model: type[models.Model]) -> list[Workflow]:
    """Workflows declared with ``model=`` for ``model`` (the admin makes their fields read-only)."""
    return list(_REGISTRY.get(model, ()))


def lock_row(obj: models.Model, *fields: str) -> models.Model:
    """Lock ``obj``'s row until the transaction ends and refresh ``fields`` from it.

    Two concurrent requests on one row then run one after the other and the second sees the first's
    result (the status it must check, the dates already set).
    """
    locked = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    for name in fields:
        setattr(obj, name, getattr(locked, name))
    return obj


def lock_rows(queryset: models.QuerySet, *, no_key: bool = False) -> list[models.Model]:
    """Lock every row ``queryset`` matches until the transaction ends and return them, in primary-key order.

    For the multi-row cases of ``lock_row``: all rows of a kind that a write must see settled (the valid
    grades it supersedes, the campaign of a year that may not exist yet: an empty list then). The pk order
    makes two writers that lock overlapping sets take the locks in the same order, so they queue instead of
    deadlocking. Only the queryset's own table is locked (``of=("self",)``), not tables it joins.
    ``no_key=True`` takes PostgreSQL's ``FOR NO KEY UPDATE``: writers of the same rows still queue, but rows
    that reference them (foreign-key checks) can be inserted meanwhile — for a long-held lock on a parent
    such as a tenant or an organization.
    """
    return list(queryset.select_for_update(of=("self",), no_key=no_key).order_by("pk"))


def _display(obj: models.Model, field_name: str, value: str) -> str:
    choices = dict(obj._meta.get_field(field_name).flatchoices)
    return str(choices.get(value, value))


def status_history(obj: models.Model):
    return status_history_of(type(obj), [obj.pk])


def labelled_history(obj: models.Model, choices=None) -> list:
    """Status changes of ``obj`` with the display labels of both ends (``from_label``, ``to_label``): pages show
    "待签订 → 履行中", never the stored codes. ``choices`` defaults to those of the model's ``status`` field."""
    labels = dict(choices if choices is not None else obj._meta.get_field("status").flatchoices)
    rows = list(status_history(obj))
    for row in rows:
        row.from_label = str(labels.get(row.from_status, row.from_status)) if row.from_status else ""
        row.to_label = str(labels.get(row.to_status, row.to_status))
    return rows


def status_history_of(model: type[models.Model], pks) -> models.QuerySet:
    """Status changes of several rows of ``model`` in one query (e.g. an organization's change requests)."""
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in pks]
    ).select_related("actor").order_by("created_at", "id")
