# Production image: gunicorn web, Celery worker and beat share it (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=governance.settings_prod \
    VAR_DIR=/app/var STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/app/var/media

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY governance governance
COPY orgs orgs
COPY projects projects
COPY grid grid
COPY party party
COPY templates templates
COPY static static
COPY locale locale
COPY scripts scripts
COPY manage.py ./
RUN pip install --no-cache-dir -c constraints.txt . \
    && python scripts/compilemessages.py \
    && DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
       SENSITIVE_FIELD_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= SENSITIVE_HASH_KEY=build-only-not-a-secret-0123456789 \
       python manage.py collectstatic --noinput -v 0 \
    && useradd --system --home /app app && mkdir -p /app/var/media && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "governance.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
