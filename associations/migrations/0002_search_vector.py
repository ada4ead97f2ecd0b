"""Stored, indexed search vectors for the site search on PostgreSQL (core/searchindex.py)."""

from django.db import migrations

from core.searchindex import StoredSearchVector


class Migration(migrations.Migration):
    dependencies = [
        ("associations", "0001_initial"),
    ]

    operations = [
        StoredSearchVector(
            model_name="Association",
            fields={"A": ["name"], "B": ["intro", "municipality"], "C": ["description"]},
        ),
    ]
