"""Stored, indexed search vectors for the site search on PostgreSQL (core/searchindex.py)."""

from django.db import migrations

from core.searchindex import StoredSearchVector


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
    ]

    operations = [
        StoredSearchVector(
            model_name="Event",
            fields={"A": ["title"], "B": ["intro", "place_name", "municipality"], "C": ["description", "audience"]},
        ),
    ]
