"""The one Celery task of every import (thin: it loads the job and calls ``import_job_run``)."""

from __future__ import annotations

from celery import shared_task
from django.db import connection

from governance.celery import TenantTask


def _claim(job_id: int) -> bool:
    """On PostgreSQL, a transaction-scoped advisory lock: a second delivery of the same job while the
    first still runs gets False and leaves it alone (a row lock would block the progress writes)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [0x1A7, job_id])
        return bool(cursor.fetchone()[0])


# acks_late + reject_on_worker_lost: a worker killed mid-import gets the message redelivered. The job's
# rows are inserted in the task's single transaction, so the killed run left nothing behind, and the
# job (still "running") is simply run again.
@shared_task(base=TenantTask, name="governance.imports.run", bind=False, acks_late=True,
             reject_on_worker_lost=True)
def import_run_task(*, tenant_id: int, job_id: int) -> str | None:
    """Process one import job. Idempotent: a finished job is left alone, a crashed one is re-run."""
    from governance.imports.services import import_job_run
    from governance.models import FINAL_IMPORT_STATUSES, ImportJob

    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return None
    if job.status in FINAL_IMPORT_STATUSES:
        return job.status
    if not _claim(job.pk):
        return "busy"
    import_job_run(job=job, actor=job.created_by)
    return job.status
