"""Each expert's deviation from the application's final score, stored at aggregation (the staff risk list flags
experts far from it repeatedly); backfilled for applications already aggregated."""

from django.db import migrations, models
from django.db.models import F


def backfill(apps, schema_editor):
    ReviewAssignment = apps.get_model("projects", "ReviewAssignment")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Row-level security is forced on the tables: this migration works on every tenant's rows.
            cursor.execute("SELECT set_config('app.all_tenants', 'on', true)")
    rows = (ReviewAssignment.objects.filter(weighted_score__isnull=False, application__final_score__isnull=False)
            .exclude(status="recused").annotate(final=F("application__final_score")))
    changed = []
    for row in rows.only("id", "weighted_score").iterator(chunk_size=2000):
        row.deviation = row.weighted_score - row.final
        changed.append(row)
    ReviewAssignment.objects.bulk_update(changed, ["deviation"], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0007_expert_relation_employed"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewassignment",
            name="deviation",
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=7, null=True,
                                      verbose_name="deviation from the final score"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
