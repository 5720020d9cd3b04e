# Test-only app (tests/settings.py); depends on the first core migration only (Tenant, Region).

import django.db.models.deletion
import django.db.models.manager
import governance.sensitive.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('governance', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', governance.sensitive.fields.SensitiveField(kind='name', verbose_name='name')),
                ('id_number', governance.sensitive.fields.SensitiveField(hash_field='id_number_hash', kind='id_number', verbose_name='ID number')),
                ('id_number_hash', governance.sensitive.fields.SensitiveHashField(blank=True, default='', editable=False, max_length=64)),
                ('phone', governance.sensitive.fields.SensitiveField(blank=True, hash_field='phone_hash', kind='phone', verbose_name='phone')),
                ('phone_hash', governance.sensitive.fields.SensitiveHashField(blank=True, default='', editable=False, max_length=64)),
                ('note', governance.sensitive.fields.SensitiveField(blank=True, kind='text', null=True, verbose_name='note')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='governance.region')),
                ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='governance.tenant')),
            ],
            options={
                'indexes': [models.Index(fields=['tenant', 'phone_hash'], name='sensitiveapp_person_phone')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('id_number_hash', ''), _negated=True), fields=('tenant', 'id_number_hash'), name='sensitiveapp_person_one_per_id_number')],
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('unscoped', django.db.models.manager.Manager()),
            ],
        ),
    ]
