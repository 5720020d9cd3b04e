"""Organization list columns (issue 8): the valid grade and its expiry, and the two credit lists, backfilled
from the grades and credit records as ``orgs.services.list_flags`` computes them."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    EvaluationGrade = apps.get_model("orgs", "EvaluationGrade")
    CreditRecord = apps.get_model("orgs", "CreditRecord")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Row-level security is forced on the tables: this migration works on every tenant's rows.
            cursor.execute("SELECT set_config('app.all_tenants', 'on', true)")
    valid = EvaluationGrade.objects.filter(organization_id=OuterRef("pk"), status="valid").order_by(
        "-awarded_date", "-id")

    def listed(list_type):
        return Exists(CreditRecord.objects.filter(organization_id=OuterRef("pk"), list_type=list_type,
                                                  removed_on__isnull=True))

    Organization.objects.update(
        valid_grade=Coalesce(Subquery(valid.values("grade")[:1]), Value("")),
        valid_grade_until=Subquery(valid.values("expires_date")[:1]),
        on_abnormal_list=listed("abnormal"),
        on_serious_list=listed("serious"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0007_organization_name_pinyin"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="valid_grade",
            field=models.CharField(blank=True, editable=False, max_length=2, verbose_name="valid evaluation grade"),
        ),
        migrations.AddField(
            model_name="organization",
            name="valid_grade_until",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="valid grade expires"),
        ),
        migrations.AddField(
            model_name="organization",
            name="on_abnormal_list",
            field=models.BooleanField(default=False, editable=False,
                                      verbose_name="on the abnormal activities list"),
        ),
        migrations.AddField(
            model_name="organization",
            name="on_serious_list",
            field=models.BooleanField(default=False, editable=False, verbose_name="on the serious dishonesty list"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
