"""An application lists each attachment name and each co-signer once (the services refuse duplicates; the
constraints hold that under parallel requests)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0008_assignment_deviation"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="applicationattachment",
            constraint=models.UniqueConstraint(fields=("application", "name"),
                                               name="application_attachment_unique_name"),
        ),
        migrations.AddConstraint(
            model_name="applicationcosigner",
            constraint=models.UniqueConstraint(fields=("application", "name"), name="cosigner_unique_name"),
        ),
    ]
