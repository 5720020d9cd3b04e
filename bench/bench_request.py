"""CPU time of one request in-process, each endpoint as a ratio to ``/healthz`` of the same run (issue 8).

    DATABASE_URL=postgres://gov_app:gov_app@127.0.0.1:5432/gov_bench_req REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/bench_request.py --seed 5000 --repeat 60     # later runs: leave out --seed

Django's test client with the production settings (``governance.settings_prod``: DEBUG off, the Redis cache
when ``REDIS_URL`` is set) against the database of ``DATABASE_URL`` as the application role (row-level
security applies). ``--seed N`` first rebuilds that database: drop, create, migrate, ``seed_demo --scale N``
and ``VACUUM (ANALYZE)``. The personal-data keys are fixed scratch keys of this script, so a database seeded
by one run can be read by the next; never point it at real data.

Each endpoint gets warm-up requests, then ``--repeat`` timed ones: the process's CPU time per request (the
figure that does not depend on what else runs on the machine), the median wall time (which includes
PostgreSQL's share) and the number of SQL statements of one request. Unlike ``bench_http.py`` there is no
server, no socket and no second process: it measures the application's own cost per request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

Q = urllib.parse.quote("社区")
# (path, how the request signs in)
ENDPOINTS = [
    ("/healthz", None),
    ("/api/v1/me/", "token"),
    ("/api/v1/orgs/?page_size=50", "token"),
    (f"/api/v1/orgs/?page_size=50&kind=community_group&q={Q}", "token"),
    ("/api/v1/orgs/?page_size=50&cursor=", "token"),
    (f"/api/v1/orgs/?page_size=50&kind=community_group&q={Q}&cursor=", "token"),
    ("/api/v1/regions/?page_size=50", "token"),
    ("/api/v1/filings/?page_size=50", "token"),
    ("/api/v1/notifications/?page_size=50", "token"),
    ("/api/v1/projects/programs/?page_size=50", "token"),
    ("/api/v1/projects/applications/?page_size=50", "token"),
    ("/api/v1/projects/tenders/?page_size=50", "token"),
    ("/api/v1/projects/bids/?page_size=50", "token"),
    ("/api/v1/projects/contracts/?page_size=50", "token"),
    ("/api/v1/projects/reports/?page_size=50", "token"),
    ("/orgs/", "session"),
    (f"/orgs/?kind=community_group&q={Q}", "session"),
]

# Scratch keys for a scratch database (settings_prod refuses to start without keys of its own).
SCRATCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "governance.settings_prod",
    "DJANGO_SECRET_KEY": "bench-request-scratch-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_HSTS_SECONDS": "0",
    "SENSITIVE_FIELD_KEYS": "YmVuY2gtcmVxdWVzdC1zY3JhdGNoLWtleS0wMDAwMDA=",
    "SENSITIVE_HASH_KEY": "bench-request-scratch-hash-key-0123456789abcdef",
    "LOG_LEVEL": "WARNING",
    "VAR_DIR": "/tmp/bench_request_var",
    "STATIC_ROOT": "/tmp/bench_request_static",
}


def _seed(scale: int) -> None:
    import psycopg2

    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username, password=url.password,
                             dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, check=True)
    started = time.monotonic()
    subprocess.run([*manage, "seed_demo", "--quiet", "--communities-per-street", "3", "--grids-per-community", "2",
                    "--scale", str(scale)], cwd=BASE_DIR, check=True)
    print(f"seeded --scale {scale} in {time.monotonic() - started:.0f} s", flush=True)
    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)")
    conn.close()


def _measure(client, path: str, repeat: int, warm: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code} {response.content[:300]!r}")
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    statements = len(ctx.captured_queries)  # now: the next request clears the connection's log
    cpu, wall = [], []
    for _ in range(repeat):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        client.get(path)
        cpu.append(time.process_time() - cpu_start)
        wall.append(time.perf_counter() - wall_start)
    return {"cpu": statistics.mean(cpu) * 1000, "wall": statistics.median(wall) * 1000,
            "queries": statements}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, metavar="N", help="rebuild the database first: seed_demo --scale N")
    parser.add_argument("--repeat", type=int, default=60, help="timed requests per endpoint")
    parser.add_argument("--warm", type=int, default=3, help="untimed requests per endpoint first")
    parser.add_argument("--user", default="hy_admin")
    parser.add_argument("--only", action="append", default=[], help="only endpoints containing this text")
    parser.add_argument("--profile", action="store_true", help="cProfile's top functions of each endpoint")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a scratch PostgreSQL database (as gov_app)")
    for key, value in SCRATCH_ENV.items():
        os.environ.setdefault(key, value)
    if args.seed:
        _seed(args.seed)
    # The production settings serve the collected, hashed static files (the HTML pages link them).
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=BASE_DIR, check=True)

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from governance import services
    from governance.models import User
    from governance.tenancy import all_tenants
    from orgs.models import Organization

    user = User.objects.select_related("tenant").get(username=args.user)
    with all_tenants():
        organizations = Organization.objects.filter(tenant_id=user.tenant_id).count()
    _token, key = services.api_token_create(actor=user, user=user, name="bench_request")
    clients = {None: Client(), "token": Client(HTTP_AUTHORIZATION=f"Token {key}"), "session": Client()}
    clients["session"].force_login(user)

    endpoints = [(p, k) for p, k in ENDPOINTS if not args.only or p == "/healthz" or any(o in p for o in args.only)]
    rows = []
    for path, kind in endpoints:
        result = _measure(clients[kind], path, args.repeat, args.warm)
        rows.append((path, result))
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(lambda client=clients[kind], path=path: [client.get(path) for _ in range(args.repeat)])
            stats = pstats.Stats(profiler).sort_stats("tottime")
            stats.print_stats(25)
            if os.environ.get("PROFILE_CALLERS"):
                stats.print_callers(os.environ["PROFILE_CALLERS"])
        print(f"    {path}: {result['cpu']:.2f} ms CPU, {result['wall']:.2f} ms wall, {result['queries']} statements",
              flush=True)
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"\n{organizations:,} organizations in {user.tenant.name}, user {args.user}, {args.repeat} requests each "
          f"(mean CPU, median wall), cache {cache}, role cache {settings.ROLE_CACHE_SECONDS} s, "
          f"token cache {getattr(settings, 'API_TOKEN_CACHE_SECONDS', '-')} s\n")
    print("| endpoint | CPU ms | ratio to /healthz | wall ms | statements |")
    print("|---|---|---|---|---|")
    base = rows[0][1]["cpu"]
    for path, result in rows:
        shown = urllib.parse.unquote(path)
        print(f"| `{shown}` | {result['cpu']:.2f} | {base / result['cpu']:.2f} | {result['wall']:.2f} | "
              f"{result['queries']} |")


if __name__ == "__main__":
    main()
