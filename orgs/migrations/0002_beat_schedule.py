"""Schedule the daily credit-list and grade rules (02:30 Asia/Shanghai) in the database beat schedule."""

import json

from django.db import migrations
from django.utils import timezone

TASK_NAME = "orgs: daily credit-list and grade rules"
CRONTAB = {"minute": "30", "hour": "2", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*",
           "timezone": "Asia/Shanghai"}


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab = CrontabSchedule.objects.filter(**CRONTAB).first() or CrontabSchedule.objects.create(**CRONTAB)
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "governance.for_each_tenant",
            "crontab": crontab,
            "kwargs": json.dumps({"task_name": "orgs.apply_credit_rules"}),
            "description": "Credit lists (MCA Order 60) and evaluation-grade expiry, per tenant.",
        },
    )
    if created:
        # A running DatabaseScheduler re-reads its schedule when this timestamp moves.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def delete_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("orgs", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
