"""The organization import jobs move to the core's ImportJob (governance.imports), keeping their ids."""

from django.db import migrations

COLUMNS = ("id, tenant_id, file, original_name, status, total_rows, processed_rows, imported_rows, error_count, "
           "errors, error_report, created_by_id, created_at, finished_at")


def _all_tenants(schema_editor):
    # Row-level security is forced on both tables: the copy runs in the explicit cross-tenant scope.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT set_config('app.all_tenants', 'on', true)")


def _reset_sequence(schema_editor, table):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")


def forwards(apps, schema_editor):
    _all_tenants(schema_editor)
    schema_editor.execute(
        f"INSERT INTO governance_importjob ({COLUMNS}, importer, skipped_rows, imported_ids, started_at) "
        f"SELECT {COLUMNS}, 'orgs.organization', 0, '[]', NULL FROM orgs_importjob")
    _reset_sequence(schema_editor, "governance_importjob")


def backwards(apps, schema_editor):
    _all_tenants(schema_editor)
    schema_editor.execute(
        f"INSERT INTO orgs_importjob ({COLUMNS}) SELECT {COLUMNS} FROM governance_importjob "
        "WHERE importer = 'orgs.organization'")
    schema_editor.execute("DELETE FROM governance_importjob WHERE importer = 'orgs.organization'")
    _reset_sequence(schema_editor, "orgs_importjob")


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0005_importjob'),
        ('orgs', '0003_user_references_optional'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(
            name='ImportJob',
        ),
    ]
