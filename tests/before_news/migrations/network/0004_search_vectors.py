"""Stored, indexed search vectors for the site search on PostgreSQL (core/searchindex.py)."""

from django.db import migrations

from core.searchindex import StoredSearchVector


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0003_newspost_campaign"),
    ]

    operations = [
        StoredSearchVector(
            model_name="NewsPost",
            fields={"A": ["title"], "B": ["lead"], "C": ["body"]},
        ),
        StoredSearchVector(
            model_name="Page",
            fields={"A": ["title"], "B": ["intro"], "C": ["body"]},
        ),
        StoredSearchVector(
            model_name="Document",
            fields={"A": ["title"], "B": ["description"]},
        ),
    ]
