"""Upper bounds of free text (orgs.models.limits): validators only, no schema change."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0005_one_pending_filing_one_valid_grade'),
    ]

    operations = [
        migrations.AlterField(
            model_name='annualreport',
            name='activities_summary',
            field=models.TextField(blank=True, max_length=10000, validators=[django.core.validators.MaxLengthValidator(10000)], verbose_name='activities summary'),
        ),
        migrations.AlterField(
            model_name='annualreport',
            name='party_building_report',
            field=models.TextField(blank=True, max_length=10000, validators=[django.core.validators.MaxLengthValidator(10000)], verbose_name='Party-building report'),
        ),
        migrations.AlterField(
            model_name='annualreport',
            name='review_note',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='review note'),
        ),
        migrations.AlterField(
            model_name='creditrecord',
            name='note',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='creditrecord',
            name='removal_reason',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='removal reason'),
        ),
        migrations.AlterField(
            model_name='evaluationgrade',
            name='note',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='filing',
            name='rejection_reason',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='rejection reason'),
        ),
        migrations.AlterField(
            model_name='orgchangerequest',
            name='decision_note',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='decision note'),
        ),
    ]
