"""Sync the apps' periodic tasks (``registry.register_periodic_task``) into django-celery-beat.

Runs on ``post_migrate``. Idempotent. A row remembers the hash of the declaration it was last synced from
(a marker line in its description): while the declaration is unchanged, an administrator's edits in the
admin (schedule, enabled, arguments) are kept; when the code changes the declaration, the row follows
the code (its ``enabled`` flag stays as the administrator set it). A declaration that disappears is
disabled, not deleted, so its run history stays visible.
"""

from __future__ import annotations

import hashlib
import json
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance.registry import PeriodicTaskSpec, periodic_tasks

MARKER = re.compile(r"\n?\[registry:([0-9a-f]{12})\]$")
CRONTAB_FIELDS = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")


def _spec_hash(spec: PeriodicTaskSpec) -> str:
    data = json.dumps([spec.task, spec.crontab, spec.interval_seconds, spec.kwargs, spec.per_tenant],
                      sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:12]


def _schedule(spec: PeriodicTaskSpec) -> dict:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule

    if spec.crontab is not None:
        values = {name: str(spec.crontab.get(name, "*")) for name in CRONTAB_FIELDS}
        values["timezone"] = spec.crontab.get("timezone", settings.TIME_ZONE)
        crontab = CrontabSchedule.objects.filter(**values).first() or CrontabSchedule.objects.create(**values)
        return {"crontab": crontab, "interval": None}
    interval, _created = IntervalSchedule.objects.get_or_create(every=spec.interval_seconds,
                                                                period=IntervalSchedule.SECONDS)
    return {"interval": interval, "crontab": None}


def _task_fields(spec: PeriodicTaskSpec) -> dict:
    if spec.per_tenant:
        return {"task": "governance.for_each_tenant",
                "kwargs": json.dumps({"task_name": spec.task, **spec.kwargs}, sort_keys=True)}
    return {"task": spec.task, "kwargs": json.dumps(spec.kwargs, sort_keys=True)}


def sync_periodic_tasks(**kwargs) -> dict[str, int]:
    """Create or update one beat row per declaration; returns counts (created, updated, disabled)."""
    from django_celery_beat.models import PeriodicTask, PeriodicTasks

    counts = {"created": 0, "updated": 0, "disabled": 0}
    with transaction.atomic():
        declared = {spec.name: spec for spec in periodic_tasks()}
        for spec in declared.values():
            digest = _spec_hash(spec)
            description = f"{spec.description}\n[registry:{digest}]".lstrip("\n")
            row = PeriodicTask.objects.filter(name=spec.name).first()
            if row is None:
                PeriodicTask.objects.create(name=spec.name, description=description, **_schedule(spec),
                                            **_task_fields(spec))
                counts["created"] += 1
                continue
            marker = MARKER.search(row.description or "")
            if marker and marker.group(1) == digest:
                continue  # unchanged declaration: keep whatever an administrator edited
            for name, value in {**_schedule(spec), **_task_fields(spec), "description": description}.items():
                setattr(row, name, value)
            row.save()
            counts["updated"] += 1
        for row in PeriodicTask.objects.filter(enabled=True, description__contains="[registry:"):
            if row.name not in declared:
                row.enabled = False
                row.save(update_fields=["enabled"])
                counts["disabled"] += 1
        if any(counts.values()):
            # A running DatabaseScheduler re-reads its schedule when this timestamp moves.
            PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
    return counts
