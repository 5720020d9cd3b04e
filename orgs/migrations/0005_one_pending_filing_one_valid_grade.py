"""Double submissions lose in the database: one filing under review per name, one valid grade per organization."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0004_importjob_moved_to_core'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='evaluationgrade',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'valid')), fields=('organization',), name='grade_one_valid_per_org'),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('tenant', 'name'), name='org_unique_pending_name'),
        ),
    ]
