"""Stored, indexed search vectors for the site search on PostgreSQL (network/searchindex.py)."""

from django.db import migrations

from network.searchindex import StoredSearchVector


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
