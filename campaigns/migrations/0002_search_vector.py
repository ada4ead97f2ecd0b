"""Stored, indexed search vectors for the site search on PostgreSQL (network/searchindex.py)."""

from django.db import migrations

from network.searchindex import StoredSearchVector


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
    ]

    operations = [
        StoredSearchVector(
            model_name="Campaign",
            fields={"A": ["title", "hashtag"], "B": ["intro"], "C": ["body"]},
        ),
    ]
