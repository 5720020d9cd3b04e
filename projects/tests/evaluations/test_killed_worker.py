"""A real Celery worker on Redis is killed (SIGKILL) in the middle of an evaluation run, then a second worker is
started: the unacknowledged message comes back (``acks_late``), the run is redone from the start and the result
is the one of an uninterrupted run, once (the run is one transaction per tenant: the killed one left nothing).
PostgreSQL + Redis only: it runs in the second pass of ``.ci/run``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from governance.models import AuditEvent
from projects.models import Evaluation
from projects.services import evaluations as services
from projects.tests.tenders.conftest import World

from .conftest import MIDTERM_RUN, midterm_contract

ROOT = Path(__file__).resolve().parents[3]


def _env(**extra) -> dict:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    broker = os.environ["REDIS_URL"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("KILLTEST_")}
    env.update({"DATABASE_URL": url, "REDIS_URL": broker, "CELERY_BROKER_URL": broker,
                "CELERY_TASK_ALWAYS_EAGER": "false", **extra})
    return env


def _worker(env: dict, queue: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.celery_killable", "worker", "-P", "solo", "-Q", queue,
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _stop(worker: subprocess.Popen, sig=signal.SIGKILL) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    worker.wait(timeout=60)


def _wait(condition, *, timeout: float, what: str, worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker.poll() is not None:
            raise AssertionError(f"the worker exited while waiting for {what}: {worker.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # the workers are other processes: they see committed rows only
def test_a_worker_killed_mid_run_loses_nothing_and_writes_nothing_twice(tree_a, tree_b, users, in_tenant, tmp_path):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs a real broker (REDIS_URL): runs in the PostgreSQL + Redis pass of .ci/run")
    world = World(tree_a, tree_b, users, in_tenant)
    with in_tenant(world.tenant):
        contract = midterm_contract(world)

    def evaluations() -> list:
        with in_tenant(world.tenant):
            return list(Evaluation.objects.filter(contract=contract))

    queue, mark = f"killtest-{uuid.uuid4().hex[:12]}", tmp_path / "chunk-computed"
    env = _env(KILLTEST_PREFIX=f"{queue}:")
    send = ("import tests.celery_killable, django; django.setup(); "
            "from projects.tasks_evaluations import evaluations_run as task; "
            f"task.apply_async(kwargs={{'tenant_id': {world.tenant.pk}, 'today': '{MIDTERM_RUN.isoformat()}'}}, "
            f"queue='{queue}')")
    sent = subprocess.run([sys.executable, "-c", send], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert sent.returncode == 0, sent.stderr

    first = _worker({**env, "KILLTEST_MARK": str(mark), "KILLTEST_PAUSE": "300"}, queue)
    try:
        _wait(mark.exists, timeout=180, what="the first worker to compute its chunk", worker=first)
        assert "'created': 1" in mark.read_text()  # computed, not yet committed …
        assert evaluations() == []
    finally:
        _stop(first)  # … and killed: SIGKILL, no chance to acknowledge or commit
    assert evaluations() == []

    second = _worker(env, queue)
    try:
        _wait(lambda: len(evaluations()) > 0, timeout=180, what="the second worker to redo the run", worker=second)
        time.sleep(2)  # had the message been delivered twice, a second row or audit event would show now
    finally:
        _stop(second, signal.SIGTERM)
    rows = evaluations()
    assert len(rows) == 1 and rows[0].score == Decimal("82.34") and rows[0].band == "good"
    with in_tenant(world.tenant):
        assert AuditEvent.objects.filter(action="evaluation.compute", object_id=str(rows[0].pk)).count() == 1
        # The result is an uninterrupted run's: computing again in-process finds nothing to change.
        assert services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN) == {
            "created": 0, "updated": 0, "unchanged": 1, "published": 0}
