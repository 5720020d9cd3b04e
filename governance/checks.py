"""System checks: on PostgreSQL the application role must not bypass row-level security."""

from django.core.checks import Error, Tags, register
from django.db import connections


@register(Tags.database, deploy=True)
def check_database_role(app_configs=None, databases=None, **kwargs):
    errors = []
    # Django passes ``databases`` only with ``check --database``; this is a deploy-only check, and
    # ``check --deploy`` alone must still look at the role (docs/deployment.md relies on it).
    for alias in databases if databases is not None else ["default"]:
        conn = connections[alias]
        if conn.vendor != "postgresql":
            continue
        with conn.cursor() as cursor:
            cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
        if row and (row[0] or row[1]):
            errors.append(
                Error(
                    "The database role is SUPERUSER or BYPASSRLS, so row-level security does not apply.",
                    hint="Connect as a role created with NOSUPERUSER NOBYPASSRLS (see docs/deployment.md).",
                    id="governance.E001",
                )
            )
    return errors
