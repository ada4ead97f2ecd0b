"""Stored, indexed search vectors for the site search on PostgreSQL (core/searchindex.py)."""

from django.db import migrations

from core.searchindex import StoredSearchVector


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
