"""On PostgreSQL, index ``path`` with varchar_pattern_ops so ``path LIKE 'x%'`` uses the index
regardless of the database collation (the unique (tenant, path) index serves SQLite)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS region_tenant_path_like_idx "
            "ON governance_region (tenant_id, path varchar_pattern_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS region_tenant_path_like_idx")


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
