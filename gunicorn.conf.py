"""gunicorn settings read from the working directory by every ``gunicorn`` started here (Dockerfile,
docker-compose, scripts/fuzz_api.sh, bench/bench_http.py). Command-line flags still override them.

``limit_request_line = 0``: gunicorn's own limit (4,094 bytes by default) answers an English HTML 414 that
the API document cannot describe. 0 lets lines up to gunicorn's hard ceiling (1 MB) through to Django,
where ``MAX_QUERY_STRING_LENGTH`` (16 KB) answers a translated 414 in the error envelope.
"""

limit_request_line = 0
