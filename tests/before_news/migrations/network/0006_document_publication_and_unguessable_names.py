import network.models
import core.uploads
from django.db import migrations, models


class Migration(migrations.Migration):
    """Documents get a publication state: the ones already there stay published (nothing public
    disappears), new ones start as drafts. New files are stored under an unguessable folder."""

    dependencies = [
        ("network", "0005_newspost_public_year"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="published",
            field=models.BooleanField(default=True, verbose_name="published"),
        ),
        migrations.AlterField(
            model_name="document",
            name="published",
            field=models.BooleanField(
                default=False,
                help_text="Only published documents appear on the site and in search; their file can be downloaded.",
                verbose_name="published",
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="file",
            field=models.FileField(
                max_length=255,
                upload_to=network.models.document_upload_to,
                validators=[core.uploads.validate_document_file],
                verbose_name="file",
            ),
        ),
    ]
