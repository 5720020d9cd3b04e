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
    ("/api/v1/projects/applications/?page_size=50", "token"),
    ("/api/v1/projects/contracts/?page_size=50", "token"),
    ("/api/v1/projects/reports/?page_size=50", "token"),
]
HTML_ENDPOINTS = [
    ("/orgs/", "session"),
    ("/orgs/?kind=community_group&q=%E7%A4%BE%E5%8C%BA", "session"),
    ("/orgs/filings/", "session"),
    ("/orgs/reports/", "session"),
    ("/orgs/credit/", "session"),
    ("/projects/applications/", "session"),
    ("/projects/contracts/", "session"),
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


def _request(port: int, method: str, path: str, headers=None, body: bytes | None = None, timeout: float = 30):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
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


def _session_cookie(port: int, username: str, password: str) -> str:
    """The Cookie header of a signed-in browser: the session and the CSRF cookie it holds after signing in."""
    session, csrf = _session(port, username, password)
    return f"sessionid={session}; csrftoken={csrf}"


def _session(port: int, username: str, password: str) -> tuple[str, str]:
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
    return cookies["sessionid"], cookies.get("csrftoken", csrf)  # signing in rotates the CSRF secret


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


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _duration_ms(text: str | None) -> float | None:
    """A wrk duration (``812.00us``, ``1.02s``, ``2.50m``) in ms; None for anything else (``-nan``)."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text or "")
    return float(match.group(1)) * _UNITS_MS[match.group(2)] if match else None


def parse_wrk(out: str) -> dict:
    """wrk's ``--latency`` report as numbers, never raising on a report that lacks some of them.

    wrk keeps latencies only of responses that came back within ``--timeout``: when every request timed
    out its latency lines read ``0.00us`` (and ``-nan%``), so p50/p99 are None then, and the timeouts are
    counted from the "Socket errors" line. Non-2xx/3xx responses are counted as wrk reports them.
    """
    def number(pattern: str, cast=float, default=None):
        match = re.search(pattern, out)
        return cast(match.group(1)) if match else default

    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    connect, read, write, timeouts = (int(value) for value in sockets.groups()) if sockets else (0, 0, 0, 0)
    requests = number(r"(\d+) requests in ", int, 0)
    latency = {pct: _duration_ms(number(rf"\n\s*{pct}%\s+(\S+)", str)) for pct in (50, 99)}
    if not latency[99]:  # 0.00us: no response within the timeout was recorded
        latency = {50: None, 99: None}
    return {"rps": number(r"Requests/sec:\s+([\d.]+)", float, 0.0), "p50": latency[50], "p99": latency[99],
            "requests": requests, "non2xx": number(r"Non-2xx or 3xx responses:\s+(\d+)", int, 0),
            "timeouts": timeouts, "socket_errors": connect + read + write}


def _run_wrk(url: str, headers: dict, duration: int, connections: int, timeout: int) -> dict:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout}s", "--latency"]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    done = subprocess.run([*args, url], capture_output=True, text=True, check=False)
    result = parse_wrk(done.stdout)
    if done.returncode != 0:
        result["failure"] = f"wrk exit {done.returncode}: {done.stderr.strip()[:200]}"
    return result


def _run_python(port: int, path: str, headers: dict, duration: int, connections: int, timeout: int) -> dict:
    """Keep-alive clients in threads, bounded in time; used when wrk is not installed. Like wrk, a request
    that takes longer than ``timeout`` counts as a timeout (the connection is opened again), not a latency."""
    latencies: list[float] = []
    counts = {"non2xx": 0, "timeouts": 0, "socket_errors": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        local, mine = [], dict.fromkeys(counts, 0)
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except TimeoutError:
                mine["timeouts"] += 1
            except (OSError, http.client.HTTPException):
                mine["socket_errors"] += 1
            else:
                local.append((time.perf_counter() - start) * 1000)
                mine["non2xx"] += not 200 <= response.status < 400
                continue
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        conn.close()
        with lock:
            latencies.extend(local)
            for key, value in mine.items():
                counts[key] += value

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {"rps": len(latencies) / duration, "p50": statistics.median(latencies) if latencies else None,
            "p99": latencies[max(int(len(latencies) * 0.99) - 1, 0)] if latencies else None,
            "requests": len(latencies) + counts["timeouts"], **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=5000, help="organizations in the Hengyang tenant")
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--timeout", type=int, default=30,
                        help="seconds after which a request counts as a timeout (wrk --timeout), not a latency")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument("--db", default="gov_bench_http")
    parser.add_argument("--user", default="hy_admin")
    parser.add_argument("--keep", action="store_true", help="keep the database (reuse it with --no-setup)")
    parser.add_argument("--no-setup", action="store_true", help="reuse the database of an earlier --keep run")
    parser.add_argument("--python-client", action="store_true", help="use the Python load generator")
    parser.add_argument("--only", action="append", default=[],
                        help="measure only the endpoints containing this text (repeatable; /healthz always runs)")
    parser.add_argument("--response-cache", choices=("both", "on", "off"), default="both",
                        help="measure with the response cache (hits), without it (misses) or both, each on its own "
                             "server beside the other")
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
    modes = {"on": [("cached", args.port)], "off": [("uncached", args.port + 1)],
             "both": [("cached", args.port), ("uncached", args.port + 1)]}[args.response_cache]
    servers = []
    for mode, port in modes:
        # The same code and database; the uncached server answers every request from the database
        # (RESPONSE_CACHE_SECONDS=0), as a first request after a write does.
        mode_env = {**env, "RESPONSE_CACHE_SECONDS": "300" if mode == "cached" else "0"}
        servers.append(subprocess.Popen(
            [str(Path(PY).with_name("gunicorn")), "governance.wsgi", "-w", str(args.workers), "-b", f"{HOST}:{port}",
             "--log-level", "warning"], cwd=BASE_DIR, env=mode_env, start_new_session=True))
    use_wrk = shutil.which("wrk") is not None and not args.python_client
    tables = []
    try:
        for mode, port in modes:
            _wait_ready(port)
            rows = _measure(args, port, password, use_wrk, mode)
            tables.append((mode, rows))
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep:
            _drop_database(args.db)
    print(f"\n{args.orgs:,} organizations, gunicorn -w {args.workers}, {args.connections} connections, "
          f"{args.duration} s each, timeout {args.timeout} s, {'wrk' if use_wrk else 'Python client'}, "
          f"user {args.user}, load average {os.getloadavg()[0]:.1f}")
    for mode, rows in tables:
        label = ("response cache on (every request after the first for a URL is a hit)" if mode == "cached"
                 else "response cache off (every request reads the database: a miss)")
        print(f"\n{label}:\n")
        print(format_table(rows))


def _measure(args, port: int, password: str, use_wrk: bool, mode: str) -> list[tuple[str, dict]]:
    auth = {"token": {"Authorization": f"Token {_token(port, args.user, password)}"},
            "session": {"Cookie": _session_cookie(port, args.user, password)}, None: {}}
    rows = []
    for path, kind in [*API_ENDPOINTS, *HTML_ENDPOINTS]:
        if args.only and path != "/healthz" and not any(part in path for part in args.only):
            continue
        headers = auth[kind]
        try:  # one request first: a page that fails is reported as failed, the others still run
            status = _request(port, "GET", path, headers, timeout=args.timeout)[0]
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
        if status != 200:
            rows.append((path, {"failure": f"first request: {status}"}))
            print(f"    [{mode}] {path}: first request {status}, not measured", flush=True)
            continue
        if use_wrk:
            result = _run_wrk(f"http://{HOST}:{port}{path}", headers, args.duration, args.connections, args.timeout)
        else:
            result = _run_python(port, path, headers, args.duration, args.connections, args.timeout)
        rows.append((path, result))
        print(f"    [{mode}] {path}: {result['rps']:.1f} req/s" + "".join(
            f", {result[key]} {label}" for key, label in _PROBLEMS if result.get(key)), flush=True)
    return rows


_PROBLEMS = (("non2xx", "non-2xx/3xx"), ("timeouts", "timeouts"), ("socket_errors", "socket errors"))


def format_table(rows: list[tuple[str, dict]]) -> str:
    """The Markdown table; a figure wrk could not give (every request timed out, the page failed) is "—"."""
    base = dict(rows[0][1]) if rows else {}

    def ms(value):
        return "—" if value is None else f"{value:.1f}"

    def ratio(value, reference):
        return "—" if not value or not reference else f"{value / reference:.2f}"

    lines = ["| endpoint | req/s | p50 ms | p99 ms | ratio to /healthz | p99 / p99 of /healthz | problems |",
             "|---|---|---|---|---|---|---|"]
    for path, result in rows:
        if "rps" not in result:
            lines.append(f"| `{path}` | — | — | — | — | — | {result['failure']} |")
            continue
        problems = [f"{result[key]} {label}" for key, label in _PROBLEMS if result.get(key)]
        problems += [result["failure"]] if result.get("failure") else []
        if result["p99"] is None:
            problems.append(f"no latency: {result.get('requests', 0)} requests, none answered within the timeout")
        lines.append(f"| `{path}` | {result['rps']:.1f} | {ms(result['p50'])} | {ms(result['p99'])} | "
                     f"{ratio(result['rps'], base.get('rps'))} | {ratio(result['p99'], base.get('p99'))} | "
                     f"{', '.join(problems) or 'none'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
