"""The platform's Celery app for the killed-worker test (``projects/tests/evaluations/test_killed_worker.py``).

It is the real app (``governance.celery``) with two changes a test needs: Redis keys under a prefix of the
test's own (``KILLTEST_PREFIX``) with a short visibility timeout, so an unacknowledged message comes back within
seconds instead of an hour; and, when ``KILLTEST_MARK`` is set, each evaluation chunk writes that file once it
has computed its rows and then pauses ``KILLTEST_PAUSE`` seconds before its transaction commits, so the test
can kill the worker in the middle of a run. Not used outside tests."""

import os
import time
from pathlib import Path

from governance.celery import app

app.conf.broker_transport_options = {
    "global_keyprefix": os.environ.get("KILLTEST_PREFIX", "killtest:"),
    "visibility_timeout": 4,
    "unacked_restore_throttle": 1,
}
app.conf.task_always_eager = False
app.conf.worker_hijack_root_logger = False

if os.environ.get("KILLTEST_MARK"):
    import django

    django.setup()
    from projects.services import evaluations

    _original_chunk = evaluations._run_chunk

    def _paused_chunk(**kwargs):
        result = _original_chunk(**kwargs)
        Path(os.environ["KILLTEST_MARK"]).write_text(repr(result))
        time.sleep(float(os.environ.get("KILLTEST_PAUSE", "60")))
        return result

    evaluations._run_chunk = _paused_chunk
