"""The stored search vectors move into the rows: a common word reads every match's vector (core/searchindex.py)."""

from django.db import migrations

from core.searchindex import InlineSearchVector


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0010_publication_window"),
    ]

    operations = [
        InlineSearchVector(model_name="Event"),
    ]
