#!/usr/bin/env bash
# The two commands of the README:
#   bash scripts/dev.sh demo   → set up, seed the demo, run the platform on the embedded default
#   bash scripts/dev.sh test   → set up, run the whole test suite (uses DATABASE_URL/REDIS_URL if set)
# Needs only Python ≥ 3.11. Everything goes into .venv/ and var/ inside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

setup() {
  if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv with $($PYTHON --version)"
    "$PYTHON" -m venv .venv
  fi
  # Re-install only when the dependency declaration changed (fast repeated runs).
  local stamp=.venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
  if [ ! -f "$stamp" ]; then
    echo "==> installing dependencies (pinned by constraints.txt)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -c constraints.txt -e ".[test]"
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
  .venv/bin/python scripts/compilemessages.py
}

case "${1:-}" in
  demo)
    setup
    # DEBUG off, as in production: a newcomer sees the platform's Chinese error pages, never Django's debug
    # page. The static files are collected once and served by whitenoise (runserver serves none without
    # DEBUG). DJANGO_DEBUG=true bash scripts/dev.sh demo brings the debug page back for development.
    export DJANGO_DEBUG=${DJANGO_DEBUG:-false}
    .venv/bin/python manage.py migrate --noinput -v 0
    .venv/bin/python manage.py collectstatic --noinput -v 0
    .venv/bin/python manage.py seed_demo
    echo
    echo "==> 社区治理综合管理平台 is starting at http://${HOST}:${PORT}/  (admin: http://${HOST}:${PORT}/admin/, API docs: http://${HOST}:${PORT}/api/docs/)"
    echo "    Sign in with one of the demo logins above. Stop with Ctrl+C."
    exec .venv/bin/python manage.py runserver "${HOST}:${PORT}"
    ;;
  test)
    setup
    shift || true
    if [ -n "${DATABASE_URL:-}" ]; then db="PostgreSQL"; else db="the embedded default (SQLite)"; fi
    echo "==> running the test suite on ${db}${REDIS_URL:+ + Redis}"
    .venv/bin/python manage.py makemigrations --check --dry-run -v 0
    .venv/bin/ruff check .
    .venv/bin/lint-imports --no-cache   # layer contracts of pyproject.toml (the core imports no domain app, …)
    # -n: run in parallel on every core; exit code 5 (no tests collected) fails like any other error.
    .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" --create-db -p no:cacheprovider "$@"
    ;;
  *)
    echo "usage: bash scripts/dev.sh demo|test [pytest args]" >&2
    exit 2
    ;;
esac
