"""Isolation probe: every URL of the project requested by people who must not see tenant A's objects, then
malformed bodies posted to every route. The probe itself lives in ``tests/probe/`` (its docstring says what it
checks); this is its command line:

    .venv/bin/python scripts/probe_isolation.py [--max-routes N] [--skip-bad-input] [-v]

It builds a throwaway database (a SQLite file under /tmp, or the scratch database of DATABASE_URL: it is
migrated and seeded). Totals (routes, probes, failures) are printed; the exit status is 1 when anything failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-routes", type=int, default=None, help="probe at most N routes (default: all)")
    parser.add_argument("--skip-bad-input", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)

    base = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(base))
    work = Path(tempfile.mkdtemp(prefix="probe_isolation_"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(work / "probe.sqlite3")
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ.setdefault("LOG_LEVEL", "CRITICAL")
    import django

    django.setup()
    import logging

    from tests.probe import build_world, probe_bad_input, probe_isolation, seed

    logging.getLogger("django.request").setLevel(logging.ERROR)  # thousands of expected 404s; 5xx still show
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's response.context and an in-memory mail outbox
    call_command("migrate", verbosity=0)
    seed()
    world = build_world()
    print(f"database: {connection.vendor}; tenant A {world.tenant_a.slug}, tenant B {world.tenant_b.slug}; "
          f"{sum(len(v) for v in world.samples.values())} sample objects of {len(world.samples)} models, "
          f"{len(world.markers_a)} markers of tenant A, {len(world.markers_outside)} outside the street")
    isolation = probe_isolation(world, max_routes=args.max_routes, verbose=args.verbose)
    print(f"isolation: {isolation.routes} routes ({isolation.object_routes} with object ids, "
          f"{len(isolation.uncalibrated)} whose ids no sample fits), {isolation.probes} probes, "
          f"{len(isolation.failures)} failures")
    for line in isolation.failures:
        print("  FAIL", line)
    if args.verbose:
        for label in isolation.uncalibrated:
            print("  not calibrated:", label)
    failures = len(isolation.failures)
    if not args.skip_bad_input:
        bad = probe_bad_input(world, max_routes=args.max_routes)
        print(f"bad input: {bad.bad_input_routes} routes, {bad.bad_input_probes} requests, "
              f"{len(bad.failures)} failures (5xx)")
        for line in bad.failures:
            print("  FAIL", line)
        failures += len(bad.failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
