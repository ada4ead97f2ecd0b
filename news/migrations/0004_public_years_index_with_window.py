"""The news list's years index holds the end of the publication window too, so the years come from the
index alone (the window's filter read every row: 9 ms of the news list's SQL on 10,000 posts)."""

import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0003_search_vectors_in_rows"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="newspost",
            name="newspost_public_year",
        ),
        migrations.AddIndex(
            model_name="newspost",
            index=models.Index(
                django.db.models.functions.datetime.ExtractYear("publish_at"),
                "publish_at",
                "unpublish_at",
                condition=models.Q(("status", "published")),
                name="newspost_public_year_window",
            ),
        ),
    ]
