"""HTTP benchmark of the list path against the same server's own ceiling (``/healthz``), in one run.

    .venv/bin/python bench/bench_http.py [--orgs 5000] [--duration 10] [--connections 16] [--keep]

Builds a scratch PostgreSQL database as the application role (``gov_app``, non-superuser, so row-level
security applies), migrates it, seeds the demo at city scale through the demo seeders
(``seed_demo --scale N``), starts gunicorn with production settings (2 workers), drives every endpoint
with ``wrk`` when it is installed (a pure-Python keep-alive load generator otherwise) and prints req/s,
p50 and p99 of each endpoint, and each as a ratio to ``/healthz`` measured in the same run. Absolute times
on a shared machine are noise; the ratios are the figures (targets in issue 8 and bench/README.md).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg2

BASE_DIR = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "127.0.0.1"

API_ENDPOINTS = [
    ("/healthz", None),
    ("/api/v1/me/", "token"),
    ("/api/v1/orgs/?page_size=50", "token"),
    ("/api/v1/orgs/?page_size=50&kind=community_group&q=%E7%A4%BE%E5%8C%BA", "token"),
    ("/api/v1/regions/?page_size=50", "token"),
    ("/api/v1/filings/?page_size=50", "token"),
]
HTML_ENDPOINTS = [
    ("/orgs/", "session"),
    ("/orgs/?kind=community_group&q=%E7%A4%BE%E5%8C%BA", "session"),
    ("/orgs/filings/", "session"),
    ("/orgs/reports/", "session"),
    ("/orgs/credit/", "session"),
]


def _admin_conn(dbname: str = "postgres"):
    conn = psycopg2.connect(host=HOST, port=5432, user="gov_app", password="gov_app", dbname=dbname)
    conn.autocommit = True
    return conn


def _create_database(name: str) -> None:
    conn = _admin_conn()
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def _drop_database(name: str) -> None:
    conn = _admin_conn()
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def _env(db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    env.update({
        "DATABASE_URL": f"postgres://gov_app:gov_app@{HOST}:5432/{db}",
        "DJANGO_SETTINGS_MODULE": "governance.settings_prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_HSTS_SECONDS": "0",
        # settings_prod refuses to start without real personal-data keys: a scratch pair for the scratch database.
        "SENSITIVE_FIELD_KEYS": os.environ.get("SENSITIVE_FIELD_KEYS")
        or base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "SENSITIVE_HASH_KEY": os.environ.get("SENSITIVE_HASH_KEY") or secrets.token_urlsafe(40),
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": "/tmp/bench_http_var",
        "STATIC_ROOT": "/tmp/bench_http_static",  # production settings serve the collected, hashed files
    })
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    return env


def _manage(env, *args) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def _request(port: int, method: str, path: str, headers=None, body: bytes | None = None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    cookies = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _sep, rest = value.partition("=")
            cookies[key] = rest.split(";", 1)[0]
    conn.close()
    return response.status, data, cookies


def _token(port: int, username: str, password: str) -> str:
    body = json.dumps({"username": username, "password": password}).encode()
    status, data, _ = _request(port, "POST", "/api/v1/auth/token/", {"Content-Type": "application/json"}, body)
    if status != 200:
        raise SystemExit(f"token request failed: {status} {data[:200]!r}")
    payload = json.loads(data)
    return payload.get("token") or payload.get("key")


def _session(port: int, username: str, password: str) -> str:
    _status, page, cookies = _request(port, "GET", "/accounts/login/")
    csrf = cookies.get("csrftoken", "")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    form = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": match.group(1).decode() if match else ""}).encode()
    status, _data, cookies = _request(port, "POST", "/accounts/login/", {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
        "Referer": f"http://{HOST}:{port}/accounts/login/"}, form)
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"sign-in failed: {status}")
    return cookies["sessionid"]


def _wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if _request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not become ready")


def _parse_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def _run_wrk(url: str, headers: dict, duration: int, connections: int) -> dict:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _parse_ms(re.search(r"50%\s+(\S+)", out).group(1))
    p99 = _parse_ms(re.search(r"99%\s+(\S+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(non2xx.group(1)) if non2xx else 0}


def _run_python(port: int, path: str, headers: dict, duration: int, connections: int) -> dict:
    """Keep-alive clients in threads, bounded in time; used when wrk is not installed."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        local, bad = [], 0
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            local.append((time.perf_counter() - start) * 1000)
            bad += response.status >= 400
        conn.close()
        with lock:
            latencies.extend(local)
            errors[0] += bad

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {"rps": len(latencies) / duration, "p50": statistics.median(latencies),
            "p99": latencies[int(len(latencies) * 0.99) - 1], "errors": errors[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=5000, help="organizations in the Hengyang tenant")
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument("--db", default="gov_bench_http")
    parser.add_argument("--user", default="hy_admin")
    parser.add_argument("--keep", action="store_true", help="keep the database (reuse it with --no-setup)")
    parser.add_argument("--no-setup", action="store_true", help="reuse the database of an earlier --keep run")
    parser.add_argument("--python-client", action="store_true", help="use the Python load generator")
    args = parser.parse_args()

    env = _env(args.db)
    password = os.environ.get("DEMO_PASSWORD", "Demo@2026")
    if not args.no_setup:
        print(f"==> scratch database {args.db} as gov_app; migrate; seed --scale {args.orgs}", flush=True)
        _create_database(args.db)
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "seed_demo", "--quiet", "--communities-per-street", "3", "--grids-per-community", "2",
                "--scale", str(args.orgs))
        # What autovacuum does soon after a bulk load: planner statistics and the visibility map (index-only
        # counts). Without it the first minutes after seeding measure a table PostgreSQL has not looked at.
        conn = _admin_conn(args.db)
        with conn.cursor() as cur:
            cur.execute("VACUUM (ANALYZE)")
        conn.close()
    else:
        _manage(env, "migrate", "--noinput", "-v", "0")  # a kept database gets this checkout's migrations
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    server = subprocess.Popen(
        [str(Path(PY).with_name("gunicorn")), "governance.wsgi", "-w", str(args.workers), "-b", f"{HOST}:{args.port}",
         "--log-level", "warning"], cwd=BASE_DIR, env=env, start_new_session=True)
    use_wrk = shutil.which("wrk") is not None and not args.python_client
    try:
        _wait_ready(args.port)
        auth = {"token": {"Authorization": f"Token {_token(args.port, args.user, password)}"},
                "session": {"Cookie": f"sessionid={_session(args.port, args.user, password)}"}, None: {}}
        rows = []
        for path, kind in [*API_ENDPOINTS, *HTML_ENDPOINTS]:
            headers = auth[kind]
            status = _request(args.port, "GET", path, headers)[0]
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status}")
            if use_wrk:
                result = _run_wrk(f"http://{HOST}:{args.port}{path}", headers, args.duration, args.connections)
            else:
                result = _run_python(args.port, path, headers, args.duration, args.connections)
            rows.append((path, result))
            print(f"    {path}: {result['rps']:.1f} req/s", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep:
            _drop_database(args.db)
    base = rows[0][1]
    print(f"\n{args.orgs:,} organizations, gunicorn -w {args.workers}, {args.connections} connections, "
          f"{args.duration} s each, {'wrk' if use_wrk else 'Python client'}, user {args.user}\n")
    print("| endpoint | req/s | p50 ms | p99 ms | ratio to /healthz | p99 / p99 of /healthz | errors |")
    print("|---|---|---|---|---|---|---|")
    for path, result in rows:
        print(f"| `{path}` | {result['rps']:.1f} | {result['p50']:.1f} | {result['p99']:.1f} | "
              f"{result['rps'] / base['rps']:.2f} | {result['p99'] / base['p99']:.2f} | {result['errors']} |")


if __name__ == "__main__":
    main()
