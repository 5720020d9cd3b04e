"""One person once per pool: unique (tenant, pool region, name, phone).

Experts entered twice before the constraint (the same name and phone, or the same name and no phone, in one pool)
keep their rows: every copy after the first gets the phone "待核实#<id>" and a note saying so, so that staff see
them in the pool list and merge or correct them; nothing is deleted.
"""

from django.db import migrations, models


def mark_duplicates(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Row-level security is forced on the table: this migration works on every tenant's rows.
            cursor.execute("SELECT set_config('app.all_tenants', 'on', true)")
        cursor.execute("SELECT id, tenant_id, region_id, name, phone, note FROM projects_expert ORDER BY id")
        seen = set()
        for pk, tenant_id, region_id, name, phone, note in cursor.fetchall():
            key = (tenant_id, region_id, name, phone)
            if key not in seen:
                seen.add(key)
                continue
            marker = "迁移时发现与同一专家库中的专家重名且电话相同，请核实后合并或更正。"
            cursor.execute("UPDATE projects_expert SET phone = %s, note = %s WHERE id = %s",
                           [f"待核实#{pk}"[:30], f"{note}\n{marker}".strip(), pk])


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0007_apitoken'),
        ('orgs', '0011_performance_records'),
        ('projects', '0009_application_file_and_cosigner_names'),
    ]

    operations = [
        migrations.RunPython(mark_duplicates, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name='expert',
            constraint=models.UniqueConstraint(fields=('tenant', 'region', 'name', 'phone'), name='expert_unique_in_pool'),
        ),
    ]
