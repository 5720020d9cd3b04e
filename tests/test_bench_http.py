"""bench/bench_http.py reads wrk's report without crashing when requests time out or fail."""

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "bench" / "bench_http.py"
_SPEC = importlib.util.spec_from_file_location("bench_http", _PATH)
bench_http = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench_http)

NORMAL = """Running 5s test @ http://127.0.0.1:8097/api/v1/orgs/?page_size=50
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.33ms  201.10ms   1.02m    70.00%
    Req/Sec     9.50      4.10    20.00     60.00%
  Latency Distribution
     50%  780.00ms
     75%  900.00ms
     90%    1.10s
     99%    1.02m
  80 requests in 5.01s, 1.20MB read
Requests/sec:     15.97
Transfer/sec:    245.00KB
"""
ALL_TIMED_OUT = """Running 3s test @ http://127.0.0.1:8199/slow
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00    100.00%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  2 requests in 3.07s, 226.00B read
  Socket errors: connect 0, read 1, write 0, timeout 2
Requests/sec:      0.65
Transfer/sec:      73.69B
"""
NON_2XX = """  Latency Distribution
     50%   50.56ms
     75%   56.00ms
     90%   60.35ms
     99%   65.67ms
  81 requests in 2.07s, 10.57KB read
  Non-2xx or 3xx responses: 81
Requests/sec:     39.19
"""


def test_a_normal_report_with_latencies_in_minutes():
    result = bench_http.parse_wrk(NORMAL)
    assert result == {"rps": 15.97, "p50": 780.0, "p99": 61_200.0, "requests": 80, "non2xx": 0, "timeouts": 0,
                      "socket_errors": 0}


def test_every_request_timed_out_gives_no_latency_and_the_timeouts():
    result = bench_http.parse_wrk(ALL_TIMED_OUT)
    assert result == {"rps": 0.65, "p50": None, "p99": None, "requests": 2, "non2xx": 0, "timeouts": 2,
                      "socket_errors": 1}


@pytest.mark.parametrize("out", ["", "unable to connect to 127.0.0.1:8097 Connection refused\n", NON_2XX[:40]])
def test_a_truncated_or_empty_report_does_not_raise(out):
    result = bench_http.parse_wrk(out)
    assert result["p99"] is None and result["requests"] == 0 and result["rps"] == 0.0


def test_the_table_reports_non_2xx_timeouts_and_failed_pages():
    rows = [("/healthz", bench_http.parse_wrk(NON_2XX.replace("  Non-2xx or 3xx responses: 81\n", ""))),
            ("/api/v1/orgs/", bench_http.parse_wrk(NON_2XX)),
            ("/slow/", bench_http.parse_wrk(ALL_TIMED_OUT)),
            ("/orgs/", {"failure": "first request: 500"})]
    table = bench_http.format_table(rows).splitlines()
    assert table[2] == "| `/healthz` | 39.2 | 50.6 | 65.7 | 1.00 | 1.00 | none |"
    assert table[3] == "| `/api/v1/orgs/` | 39.2 | 50.6 | 65.7 | 1.00 | 1.00 | 81 non-2xx/3xx |"
    assert table[4] == ("| `/slow/` | 0.7 | — | — | 0.02 | — | 2 timeouts, 1 socket errors, "
                        "no latency: 2 requests, none answered within the timeout |")
    assert table[5] == "| `/orgs/` | — | — | — | — | — | first request: 500 |"
