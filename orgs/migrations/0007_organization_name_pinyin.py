"""Organization.name_pinyin: the pinyin sort key of the name (governance.pinyin), backfilled, indexed."""

from django.db import migrations, models

BATCH = 2_000


def backfill(apps, schema_editor):
    from governance.pinyin import pinyin_sort_key

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Row-level security is forced on the table: this migration works on every tenant's rows.
            cursor.execute("SELECT set_config('app.all_tenants', 'on', true)")
        cursor.execute("SELECT id, name FROM orgs_organization ORDER BY id")
        rows = cursor.fetchall()
        updates = [(pinyin_sort_key(name), pk) for pk, name in rows]
        for start in range(0, len(updates), BATCH):
            cursor.executemany("UPDATE orgs_organization SET name_pinyin = %s WHERE id = %s",
                               updates[start:start + BATCH])


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0007_apitoken'),
        ('orgs', '0006_bounded_text'),
    ]

    operations = [
        migrations.AddField(
            model_name='organization',
            name='name_pinyin',
            field=models.CharField(blank=True, editable=False, max_length=255, verbose_name='name (pinyin sort key)'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['tenant', 'name_pinyin'], name='org_tenant_name_pinyin_idx'),
        ),
    ]
