"""A bounded flood of the public rating page from loopback, against the production server (issue 10 item 3).

    BENCH_REDIS_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/bench_rating_flood.py [--phones 200] [--threads 16]

Builds a scratch PostgreSQL database as the application role (``gov_app``), seeds a small demo (every signed
demo contract has a rating survey), starts gunicorn with production settings and the Redis cache (the limits
are counted in the shared cache, as in production), and floods one survey's page ``/r/<code>/`` from
``--threads`` parallel clients: each "phone" has its own cookie jar, loads the form (CSRF token, device
cookie) and posts answers — random stars, some phones posting the same answers again, some sending a forged
``X-Forwarded-For``. Every phone comes from 127.0.0.1, so at most ``ip_per_hour`` answers may count.

It prints the status codes (no 5xx allowed), the answers counted in the database before and after (must grow
by at most ``ip_per_hour``, and by exactly that many when the flood is large enough), duplicates counted (must be
0), and the flood's throughput as a ratio to ``/healthz`` of the same server in the same run. Exit status 1
when a rule is broken.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_http import (  # noqa: E402
    BASE_DIR,
    HOST,
    PY,
    _create_database,
    _drop_database,
    _env,
    _manage,
    _request,
    _wait_ready,
)

COUNT_SCRIPT = """
import json
from governance.models import Tenant
from governance.tenancy import tenant_context
from projects.models.ratings import RatingResponse, RatingSurvey
out = {}
with tenant_context(Tenant.objects.get(slug="hengyang")):
    survey = (RatingSurvey.objects.filter(is_open=True, allow_open_answers=True).order_by("pk").first())
    responses = RatingResponse.objects.filter(survey=survey)
    online = [tuple(sorted((a.question_id, a.stars) for a in r.answers.all()))
              for r in responses.filter(channel="online").prefetch_related("answers")]
    questions = list(survey.questions.order_by("position", "id").values_list("pk", flat=True))
    out = {"code": survey.code, "questions": questions, "responses": responses.count(),
           "duplicates": len(online) - len(set(online))}
print("RESULT" + json.dumps(out))
"""


def _survey_state(env) -> dict:
    done = subprocess.run([PY, "manage.py", "shell", "-c", COUNT_SCRIPT], cwd=BASE_DIR, env=env, check=True,
                          capture_output=True, text=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT"):])


def _phone(port: int, code: str, questions: list[int], rng: random.Random, repeat: bool, forged: bool):
    """One phone: GET the form, POST the answers (twice when ``repeat``). Returns the POST statuses."""
    status, page, cookies = _request(port, "GET", f"/r/{code}/")
    if status != 200:
        return [status]
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    token = match.group(1).decode() if match else ""
    form = {f"q{pk}": str(rng.randint(1, 5)) for pk in questions}
    form["csrfmiddlewaretoken"] = token
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
               "Referer": f"http://{HOST}:{port}/r/{code}/"}
    if forged:  # a client-written X-Forwarded-For must not give it a fresh address
        headers["X-Forwarded-For"] = f"203.0.113.{rng.randint(1, 254)}"
    body = urllib.parse.urlencode(form).encode()
    statuses = [_request(port, "POST", f"/r/{code}/", headers, body)[0]]
    if repeat:
        statuses.append(_request(port, "POST", f"/r/{code}/", headers, body)[0])
    return statuses


def _healthz_rps(port: int, seconds: float, threads: int) -> float:
    done, stop = [0] * threads, time.monotonic() + seconds

    def run(i):
        while time.monotonic() < stop:
            _request(port, "GET", "/healthz")
            done[i] += 1

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(done) / (time.monotonic() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8096)
    parser.add_argument("--db", default="gov_bench_flood")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("BENCH_REDIS_URL"):
        raise SystemExit("set BENCH_REDIS_URL (a Redis database the flood may use): the limits live in the shared cache")

    env = {**_env(args.db), "LOG_LEVEL": "ERROR"}  # 200 expected "Bad Request" warnings would drown the figures
    print(f"==> scratch database {args.db} as gov_app; migrate; seed a small demo", flush=True)
    _create_database(args.db)
    server = None
    try:
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "seed_demo", "--quiet", "--communities-per-street", "1", "--grids-per-community", "1",
                "--scale", "30")
        _manage(env, "collectstatic", "--noinput", "-v", "0")
        # A fresh count of the limits: the flood's Redis database starts empty.
        subprocess.run(["redis-cli", "-u", os.environ["BENCH_REDIS_URL"], "FLUSHDB"], check=False, capture_output=True)
        before = _survey_state(env)
        server = subprocess.Popen(
            [str(Path(PY).with_name("gunicorn")), "governance.wsgi", "-w", str(args.workers), "-b",
             f"{HOST}:{args.port}", "--log-level", "warning"], cwd=BASE_DIR, env=env, start_new_session=True)
        _wait_ready(args.port)
        healthz = _healthz_rps(args.port, 3, args.threads)
        plans = [(random.Random(i), i % 7 == 0, i % 5 == 0) for i in range(args.phones)]
        statuses: Counter = Counter()
        lock, index = threading.Lock(), [0]

        def worker():
            while True:
                with lock:
                    if index[0] >= len(plans):
                        return
                    phone_rng, repeat, forged = plans[index[0]]
                    index[0] += 1
                for status in _phone(args.port, before["code"], before["questions"], phone_rng, repeat, forged):
                    with lock:
                        statuses[status] += 1

        threads = [threading.Thread(target=worker) for _ in range(args.threads)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    after = _survey_state(env)
    if not args.keep:
        _drop_database(args.db)
    requests = sum(statuses.values()) + args.phones  # the POSTs plus one GET per phone
    counted = after["responses"] - before["responses"]
    limit = 20  # RATING_LIMITS["ip_per_hour"] default (projects.services.ratings.limits)
    print(f"\n{args.phones} phones from 127.0.0.1, {args.threads} threads, gunicorn -w {args.workers}, production "
          f"settings, Redis cache")
    print(f"POST statuses: {dict(sorted(statuses.items()))}")
    print(f"answers counted: {before['responses']} → {after['responses']} (+{counted}; limit {limit} per address "
          f"and hour); identical open answers counted twice: {after['duplicates']}")
    print(f"{requests} requests in {elapsed:.1f} s = {requests / elapsed:.1f} req/s; /healthz {healthz:.1f} req/s; "
          f"ratio {requests / elapsed / healthz:.2f}")
    broken = []
    if any(status >= 500 for status in statuses):
        broken.append("a 5xx answer")
    if counted > limit or (args.phones >= 2 * limit and counted != limit):
        broken.append(f"{counted} answers counted, the limit is {limit}")
    if after["duplicates"] > before["duplicates"]:
        broken.append("a duplicate counted")
    for problem in broken:
        print("BROKEN:", problem)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
